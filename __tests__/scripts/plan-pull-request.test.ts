/**
 * scripts/plan-pull-request.ts: a pull request's plan in the runner, on a copy of the workspace's
 * state, with the read token only. A stand-in terraform records what the script asks for; the real
 * terraform (when at hand) shows the override file does replace the `cloud` block offline.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findTerraform } from '../../review/plan/run';
import { PlanError, planPullRequest, tokenVariable } from '../../scripts/plan-pull-request';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
const temp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-pr-plan-test-'));
  dirs.push(dir);
  return dir;
};

const CLOUD_STACK = {
  terraform: { cloud: { hostname: 'app.terraform.io', organization: 'getdrop', workspaces: { name: 'drop-staging-edge' } } },
  resource: { terraform_data: { x: { input: 'a' } } },
};

/**
 * A stand-in terraform: appends each call (arguments, the token it was given, and whether an
 * override file was there) to calls.log; `state pull` prints a state; `plan` fails when PLAN_FAILS is set.
 */
function standIn(dir: string): string {
  const bin = path.join(dir, 'terraform');
  fs.writeFileSync(
    bin,
    `#!/usr/bin/env bash
echo "$* | token=\${TF_TOKEN_app_terraform_io:-} | override=$(cat zz_pull_request_override.tf.json 2>/dev/null)" >> "${dir}/calls.log"
case "$1" in
  state) echo '{"version":4,"serial":7,"resources":[]}' ;;
  plan) if [ -n "\${PLAN_FAILS:-}" ]; then echo "Planning..."; echo "Error: Invalid reference" >&2; exit 1; fi; echo "Plan: 1 to add, 0 to change, 0 to destroy." ;;
esac
`,
    { mode: 0o755 },
  );
  return bin;
}

function stackDir(root: string, stack: object = CLOUD_STACK): string {
  const dir = path.join(root, 'stacks', 'edge');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(stack));
  return dir;
}

describe('the pull-request plan', () => {
  it('reads the state with the plan token, plans on a local copy without refresh or lock, and leaves neither copy nor override behind', () => {
    // GIVEN a synthesized stack with a cloud backend, and a stand-in terraform
    const root = temp();
    const dir = stackDir(root);
    const out = path.join(root, 'out');
    const terraform = standIn(root);
    // WHEN
    const status = planPullRequest({
      stackDir: dir,
      out,
      env: { ...process.env, TERRAFORM_BINARY_NAME: terraform, TF_PLAN_TOKEN: 'read-only' },
      log: () => {},
    });
    // THEN
    expect(status).toBe(0);
    const calls = fs.readFileSync(path.join(root, 'calls.log'), 'utf8').trim().split('\n');
    expect(calls.map((c) => c.split(' | ')[0])).toEqual([
      'init -input=false -no-color',
      'state pull',
      'init -input=false -no-color -reconfigure',
      'plan -input=false -no-color -lock=false -refresh=false',
    ]);
    expect(calls.every((c) => c.includes('token=read-only'))).toBe(true);
    // the override replaces the cloud block with a local backend on the pulled copy from the second init on
    expect(calls[0]).toContain('override=');
    expect(calls[0]).not.toContain('local');
    const override = JSON.parse(calls[3].split('override=')[1]);
    expect(Object.keys(override.terraform.backend)).toEqual(['local']);
    expect(fs.existsSync(override.terraform.backend.local.path)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'zz_pull_request_override.tf.json'))).toBe(false);
    expect(fs.readFileSync(path.join(out, 'plan.txt'), 'utf8')).toContain('Plan: 1 to add');
    expect(fs.readFileSync(path.join(out, 'status'), 'utf8')).toBe('0\n');
    // the state copy is not among the outputs a workflow uploads
    expect(fs.readdirSync(out).sort()).toEqual(['errors.txt', 'plan.txt', 'status']);
  });

  it("fails with Terraform's status and keeps its error output, which the comment shows", () => {
    const root = temp();
    const terraform = standIn(root);
    const out = path.join(root, 'out');
    const status = planPullRequest({
      stackDir: stackDir(root),
      out,
      env: { ...process.env, TERRAFORM_BINARY_NAME: terraform, TF_PLAN_TOKEN: 'read-only', PLAN_FAILS: '1' },
      log: () => {},
    });
    expect(status).toBe(1);
    expect(fs.readFileSync(path.join(out, 'errors.txt'), 'utf8')).toBe('Error: Invalid reference\n');
    expect(fs.readFileSync(path.join(out, 'status'), 'utf8')).toBe('1\n');
  });

  it('refuses to start without the plan token, naming the secret and the bootstrap that sets it', () => {
    const root = temp();
    expect(() =>
      planPullRequest({ stackDir: stackDir(root), out: path.join(root, 'out'), env: { PATH: process.env.PATH }, log: () => {} }),
    ).toThrow(
      new PlanError(
        'TF_PLAN_TOKEN is empty: the pull-request plans read the workspace state with the repository secret TF_PLAN_TOKEN, ' +
          'which the bootstrap stack sets (npx cdktf deploy control; docs/deploying.md, "Bootstrap")',
      ),
    );
  });

  it("names Terraform's credentials variable the way Terraform reads it (dots to _, hyphens to __)", () => {
    expect(tokenVariable('app.terraform.io')).toBe('TF_TOKEN_app_terraform_io');
    expect(tokenVariable('tfe.get-drop.no')).toBe('TF_TOKEN_tfe_get__drop_no');
  });

  const terraform = findTerraform(process.env);
  it.skipIf(!terraform)(
    `lets the real terraform replace the cloud block with the override, with no Terraform Cloud at hand${terraform ? '' : ' (skipped: no terraform)'}`,
    () => {
      // GIVEN the stack's cloud block and the override the script writes (no network here)
      const root = temp();
      const dir = stackDir(root);
      const state = path.join(root, 'copy.tfstate');
      fs.writeFileSync(
        path.join(dir, 'zz_pull_request_override.tf.json'),
        JSON.stringify({ terraform: { backend: { local: { path: state } } } }),
      );
      // WHEN terraform initializes and plans
      const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
      const init = spawnSync(terraform!, ['init', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8' });
      const plan = spawnSync(terraform!, ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false'], {
        cwd: dir,
        env,
        encoding: 'utf8',
      });
      // THEN it never asked app.terraform.io, and planned on the local backend
      expect(init.status, init.stderr).toBe(0);
      expect(init.stdout).toContain('Successfully configured the backend "local"');
      expect(plan.status, plan.stderr).toBe(0);
      expect(plan.stdout).toContain('Plan: 1 to add');
    },
  );
});
