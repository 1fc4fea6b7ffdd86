/**
 * The plan of one stack for a pull request, run in GitHub Actions, never in Terraform Cloud:
 *
 *   npm run --silent plan:pull-request -- --stack <stack> --out <dir>     (DROP_ENV, TF_PLAN_TOKEN)
 *
 * A pull request's code must not run where a credential that can change production is (the edge
 * workspaces hold the edit-capable Cloudflare token, and Terraform Cloud gives workspace
 * variables to every run, speculative plans included). So the plan runs here, with the
 * pull-request identities only: the read-only AWS role (GitHub's `pull_request` subject), the
 * read-only Cloudflare token, and a Terraform Cloud team token that can read state and nothing
 * else. It copies the workspace's state (`terraform state pull`), replaces the `cloud` block with
 * a local backend on that copy (an override file: Terraform's override files replace a `cloud`
 * block with a `backend` one), and plans with `-refresh=false -lock=false`: what the change does
 * to the recorded state, without reading secret values a refresh would read, and without taking
 * the workspace's lock. Drift shows in the pipeline's own plans, not here.
 *
 * It writes `<out>/plan.txt` (Terraform's output), `<out>/errors.txt` (its error output) and
 * `<out>/status` (the exit code), and exits with Terraform's status. The copy of the state (it
 * holds the edge's origin verification value) stays in a temporary directory and is removed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

export class PlanError extends Error {}

/** `app.terraform.io` → `TF_TOKEN_app_terraform_io` (Terraform's credentials variable for a host). */
export function tokenVariable(hostname: string): string {
  return `TF_TOKEN_${hostname.replace(/\./g, '_').replace(/-/g, '__')}`;
}

export interface PlanOptions {
  /** The synthesized stack's directory (`cdktf.out/stacks/<stack>`). */
  readonly stackDir: string;
  readonly out: string;
  readonly env: NodeJS.ProcessEnv;
  /** Lines of progress. */
  readonly log?: (line: string) => void;
}

/** Runs the plan; returns Terraform's exit status (0 when it planned). */
export function planPullRequest(options: PlanOptions): number {
  const { stackDir, out, env } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const file = path.join(stackDir, 'cdk.tf.json');
  if (!fs.existsSync(file)) throw new PlanError(`${file} does not exist: run npm run synth first`);
  const stack = JSON.parse(fs.readFileSync(file, 'utf8')) as { terraform?: { cloud?: { hostname?: string } } };
  const terraform = env.TERRAFORM_BINARY_NAME || 'terraform';
  const runEnv: NodeJS.ProcessEnv = { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  const cloud = stack.terraform?.cloud;
  if (cloud) {
    if (!env.TF_PLAN_TOKEN) {
      throw new PlanError(
        'TF_PLAN_TOKEN is empty: the pull-request plans read the workspace state with the repository secret TF_PLAN_TOKEN, ' +
          'which the bootstrap stack sets (npx cdktf deploy control; docs/deploying.md, "Bootstrap")',
      );
    }
    runEnv[tokenVariable(cloud.hostname ?? 'app.terraform.io')] = env.TF_PLAN_TOKEN;
  }
  fs.mkdirSync(out, { recursive: true });
  const run = (args: string[]) => {
    log(`$ terraform ${args.join(' ')}`);
    return spawnSync(terraform, args, { cwd: stackDir, env: runEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  };
  const finish = (status: number, stdout: string, stderr: string) => {
    fs.writeFileSync(path.join(out, 'plan.txt'), stdout);
    fs.writeFileSync(path.join(out, 'errors.txt'), stderr);
    fs.writeFileSync(path.join(out, 'status'), `${status}\n`);
    return status;
  };

  const scratch = fs.mkdtempSync(path.join(env.RUNNER_TEMP || os.tmpdir(), 'drop-pr-plan-'));
  const override = path.join(stackDir, 'zz_pull_request_override.tf.json');
  try {
    if (cloud) {
      const init = run(['init', '-input=false', '-no-color']);
      if (init.status !== 0) return finish(init.status ?? 1, init.stdout, init.stderr);
      const pulled = run(['state', 'pull']);
      if (pulled.status !== 0) return finish(pulled.status ?? 1, pulled.stdout, pulled.stderr);
      const state = path.join(scratch, 'terraform.tfstate');
      fs.writeFileSync(state, pulled.stdout, { mode: 0o600 });
      // The override replaces the cloud block: every later command works on the copy, offline from the workspace.
      fs.writeFileSync(override, JSON.stringify({ terraform: { backend: { local: { path: state } } } }));
      const local = run(['init', '-input=false', '-no-color', '-reconfigure']);
      if (local.status !== 0) return finish(local.status ?? 1, local.stdout, local.stderr);
    } else {
      const init = run(['init', '-input=false', '-no-color']);
      if (init.status !== 0) return finish(init.status ?? 1, init.stdout, init.stderr);
    }
    const plan = run(['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false']);
    return finish(plan.status ?? 1, plan.stdout, plan.stderr);
  } finally {
    fs.rmSync(override, { force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    const { values } = parseArgs({ options: { stack: { type: 'string' }, out: { type: 'string' } } });
    if (!values.stack || !values.out) throw new PlanError('usage: plan:pull-request -- --stack <registry|data|compute|edge> --out <dir>');
    const status = planPullRequest({ stackDir: path.join('cdktf.out', 'stacks', values.stack), out: values.out, env: process.env });
    const errors = fs.readFileSync(path.join(values.out, 'errors.txt'), 'utf8');
    process.stdout.write(fs.readFileSync(path.join(values.out, 'plan.txt'), 'utf8'));
    if (errors) process.stderr.write(errors);
    process.exitCode = status;
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
