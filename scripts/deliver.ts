/**
 * Delivers one infrastructure stack of an environment in the pipeline: plans it, stops for a
 * reviewer when the plan replaces or deletes a stateful resource, and otherwise applies exactly
 * the plan it read.
 *
 *   DROP_ENV=staging npm run --silent deliver -- --stack registry      (after npm run synth)
 *
 * In `cdktf.out/stacks/<stack>`: `terraform init`, `terraform plan -out=<stack>.tfplan` (with the
 * Terraform Cloud backend a saved cloud plan: the remote run waits, unconfirmed), the review
 * report's risk flags read from the plan (review/plan-risks.ts: the stateful types of
 * review/diff.ts), then `terraform apply <stack>.tfplan`, which applies that plan or refuses when
 * the state changed since. A flagged plan is not applied: the step fails, names every resource and
 * what happens to it, writes the same to the job summary, and says how a reviewer goes on.
 * Exits with Terraform's status when Terraform fails, 2 when it stopped for a reviewer.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { type PlannedRisk, planRisks } from '../review/plan-risks';

export class DeliverError extends Error {}

/** Stacks the pipeline delivers with this script, in order; compute and edge go with the release (cdktf deploy compute edge). */
export const INFRASTRUCTURE_STACKS = ['registry', 'data'] as const;

export interface DeliverOptions {
  readonly stack: string;
  readonly environment: string;
  readonly stackDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (text: string) => void;
  /** $GITHUB_STEP_SUMMARY, when set. */
  readonly summary?: string;
}

export type DeliverResult =
  | { readonly outcome: 'applied'; readonly plan: string }
  | { readonly outcome: 'stopped'; readonly risks: readonly PlannedRisk[]; readonly message: string }
  | { readonly outcome: 'failed'; readonly status: number; readonly command: string };

/** The text a reviewer reads when a plan stops. */
export function stopMessage(environment: string, stack: string, risks: readonly PlannedRisk[]): string {
  return [
    `Stopped for a reviewer: the plan of ${environment}/${stack} replaces or deletes stateful resources, and nothing was applied:`,
    ...risks.map((r) => `  - ${r.address}: ${r.risk.message}`),
    'A reviewer who accepts this reads the plan above (or the run in Terraform Cloud) and applies it by hand with their own',
    `Terraform Cloud token: DROP_ENV=${environment} npx cdktf deploy ${stack}. Then re-run this job: its plan is then clean, and it goes on.`,
    'Otherwise revert the change (a `moved` block keeps a renamed resource).',
  ].join('\n');
}

export function deliver(options: DeliverOptions): DeliverResult {
  const { stackDir, env, log } = options;
  if (!existsSync(path.join(stackDir, 'cdk.tf.json')))
    throw new DeliverError(`${stackDir}/cdk.tf.json does not exist: run npm run synth first`);
  const terraform = env.TERRAFORM_BINARY_NAME || 'terraform';
  const runEnv = { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  const run = (args: string[]) => {
    log(`$ terraform ${args.join(' ')}\n`);
    const result = spawnSync(terraform, args, { cwd: stackDir, env: runEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    log(result.stdout ?? '');
    if (result.stderr) log(result.stderr);
    return result;
  };
  const planFile = `${options.stack}.tfplan`;
  for (const args of [
    ['init', '-input=false', '-no-color'],
    ['plan', '-input=false', '-no-color', `-out=${planFile}`],
  ]) {
    const result = run(args);
    if (result.status !== 0) return { outcome: 'failed', status: result.status ?? 1, command: `terraform ${args[0]}` };
    if (args[0] === 'plan') {
      const risks = planRisks(result.stdout);
      if (risks.length > 0) {
        const message = stopMessage(options.environment, options.stack, risks);
        if (options.summary) {
          appendFileSync(
            options.summary,
            [
              `## Stopped for a reviewer: ${options.environment}/${options.stack}`,
              '',
              '| risk | address | what |',
              '|---|---|---|',
              ...risks.map((r) => `| ⚠️ ${r.risk.kind} | \`${r.address}\` | ${r.risk.message} |`),
              '',
              message.split('\n').slice(-3).join(' '),
              '',
            ].join('\n'),
          );
        }
        return { outcome: 'stopped', risks, message };
      }
    }
  }
  const applied = run(['apply', '-input=false', '-no-color', planFile]);
  if (applied.status !== 0) return { outcome: 'failed', status: applied.status ?? 1, command: 'terraform apply' };
  return { outcome: 'applied', plan: planFile };
}

if (require.main === module) {
  try {
    const { values } = parseArgs({ options: { stack: { type: 'string' } }, strict: true });
    const stack = values.stack;
    if (!stack || !(INFRASTRUCTURE_STACKS as readonly string[]).includes(stack)) {
      throw new DeliverError(
        `--stack ${JSON.stringify(stack ?? null)}: expected one of ${INFRASTRUCTURE_STACKS.join(', ')} (compute and edge are deployed with the release)`,
      );
    }
    const environment = process.env.DROP_ENV;
    if (!environment) throw new DeliverError('DROP_ENV is not set: the environment to deliver, e.g. DROP_ENV=staging');
    const result = deliver({
      stack,
      environment,
      stackDir: path.join('cdktf.out', 'stacks', stack),
      env: process.env,
      log: (text) => process.stdout.write(text),
      summary: process.env.GITHUB_STEP_SUMMARY || undefined,
    });
    if (result.outcome === 'stopped') {
      console.error(`${process.env.GITHUB_ACTIONS ? '::error::' : ''}${result.message}`);
      process.exitCode = 2;
    } else if (result.outcome === 'failed') {
      console.error(`${result.command} failed (exit ${result.status}) in ${environment}/${stack}; nothing after it was applied`);
      process.exitCode = result.status;
    } else console.log(`${environment}/${stack}: delivered`);
  } catch (error) {
    if (!(error instanceof DeliverError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
