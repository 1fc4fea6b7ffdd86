/**
 * A dry run of the main workflow on this machine: it parses `.github/workflows/main.yml` and runs
 * the real `run:` steps of its jobs in the workflow's order, with GitHub's rules for `needs`, job
 * and step `if:` (success(), failure(), always(), needs.<job>.result), matrices, env, outputs,
 * $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY. Only these are replaced:
 *   - AWS: a loopback fake of the SSM, ECR and CloudWatch calls (AWS_ENDPOINT_URL), seeded with
 *     each environment's registries (the previous release and this commit's images, scanned
 *     clean) and release pointers (the previous release); the compute alarms are the ones the
 *     synthesized compute stack defines, created when it is applied;
 *   - terraform: scripts/dry-run/terraform (TERRAFORM_BINARY_NAME) records each call the cdktf
 *     CLI makes; its `apply` of a compute stack starts the release the pointer names;
 *   - the deployed services: the real API as a local process per environment (the web service's
 *     standalone build takes minutes, and no step checks it: the health checks are the API's);
 *   - the public URLs: DROP_PUBLIC_URLS points the health checks at each environment's local API;
 *   - time: DROP_PIPELINE_TIME_SCALE shortens the 10 s health interval and the 15 min watch.
 * Steps that need Docker or GitHub itself are skipped and listed (SKIPPED_STEPS, SKIPPED_JOBS),
 * and so are `uses:` actions. The run happens in a copy of the checkout (like actions/checkout).
 *
 *   npm run pipeline:dry-run [-- --broken production-stockholm] [-- --alarm production]
 *
 * Over 300 lines on purpose: most of it is dryRun(), one walk of jobs, legs and steps in the
 * workflow's order that reads best in one piece. What GitHub does with the workflow's text
 * (expressions, if:, matrices, job order) is in dry-run/workflow.ts; the fakes are beside it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { SERVICE_NAMES, knownEnvironments, loadEnvironment } from '../config';
import { Naming } from '../constructs/naming';
import { FakeAws, fakeDigest } from './dry-run/fake-aws';
import { LocalApi, freePort } from './dry-run/local-api';
import { type Context, type Result, type Workflow, condition, legs, order, readKeyValues, stringEnv, substitute } from './dry-run/workflow';

export type { Result };

const ROOT = path.join(__dirname, '..');

/** Steps the dry run does not run, by name, and why. */
export const SKIPPED_STEPS: Readonly<Record<string, string>> = {
  'Install deps': 'npm ci would reinstall node_modules; the dry run uses the installed ones',
  'Docker build': "needs a Docker engine; the fake registries already hold this commit's images",
  'Push to ECR (staging)': 'needs a Docker engine and ECR',
  'Push to ECR (production)': 'needs a Docker engine and ECR',
  'Push to ECR (production-stockholm)': 'needs a Docker engine and ECR',
  'Check the custom domains on the Express load balancer':
    'ELB and ACM reads the fake does not implement (npm run ecs-domains is tested with SDK mocks in __tests__/scripts/ecs-domains.test.ts)',
  'Check the custom domains after rollback': 'as "Check the custom domains on the Express load balancer"',
};

/** Jobs the dry run does not run (they count as passed), and why. */
export const SKIPPED_JOBS: Readonly<Record<string, string>> = {
  verify: 'typecheck, lint and unit tests: npm test itself',
  images: 'docker build and push: needs a Docker engine',
  'e2e-staging': 'drives a browser through the HTTPS edge (npm run e2e against a deployed staging)',
};

export interface StepRecord {
  readonly job: string;
  readonly leg: string;
  readonly step: string;
  readonly result: Result | 'not run';
  readonly reason?: string;
  readonly output?: string;
}

export interface TerraformCall {
  readonly stack: string;
  readonly environment: string | null;
  readonly args: string[];
}

export interface DryRunOptions {
  /** The workflow text (default: .github/workflows/main.yml of this checkout). */
  readonly workflow?: string;
  /** The commit being delivered: its images are tagged with it. */
  readonly sha?: string;
  readonly previousTag?: string;
  /** Environments where this commit's release is broken: its API fails at start-up there. */
  readonly broken?: readonly string[];
  /** Environments where a compute alarm fires once the new release runs. */
  readonly alarm?: readonly string[];
  /** Only these jobs run (the others count as passed); default: all but SKIPPED_JOBS. */
  readonly jobs?: readonly string[];
  readonly timeScale?: number;
  readonly log?: (line: string) => void;
}

export interface DryRunResult {
  /** Result per job (a matrix job fails when a leg fails). */
  readonly jobs: Readonly<Record<string, Result>>;
  readonly steps: readonly StepRecord[];
  readonly terraform: readonly TerraformCall[];
  readonly aws: FakeAws;
  /** Releases each environment's API ran, in order (tag and whether it was healthy). */
  readonly deployments: Readonly<Record<string, readonly string[]>>;
  /** What the jobs wrote to $GITHUB_STEP_SUMMARY. */
  readonly summaries: readonly string[];
  /** Current release pointer values, by parameter name. */
  readonly pointers: Readonly<Record<string, string | undefined>>;
}

// ---------------------------------------------------------------------------------------------

/** A copy of the checkout to run in (tracked and new files; node_modules linked). */
function checkout(workflow: string | undefined): string {
  const workspace = mkdtempSync(path.join(tmpdir(), 'drop-dry-run-'));
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .stdout.split('\0')
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(path.join(ROOT, file))) continue; // deleted, not yet committed
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(workspace, file));
  }
  for (const modules of ['node_modules', 'apps/api/node_modules', 'apps/web/node_modules']) {
    if (existsSync(path.join(ROOT, modules))) symlinkSync(path.join(ROOT, modules), path.join(workspace, modules), 'dir');
  }
  if (workflow !== undefined) writeFileSync(path.join(workspace, '.github', 'workflows', 'main.yml'), workflow);
  return workspace;
}

/** An embedded database directory with the migrations applied, shared by the dry runs of this process. */
let sharedTemplate: string | undefined;

export async function dryRun(options: DryRunOptions = {}): Promise<DryRunResult> {
  const log = options.log ?? (() => undefined);
  const sha = options.sha ?? '0123456789abcdef0123456789abcdef01234567';
  const previousTag = options.previousTag ?? 'previous';
  const scale = options.timeScale ?? 0.01;
  const workspace = checkout(options.workflow);
  const workflow = parse(readFileSync(path.join(workspace, '.github', 'workflows', 'main.yml'), 'utf8')) as Workflow;

  // AWS: registries with the previous release and this commit's images; pointers at the previous release.
  const aws = new FakeAws();
  const environments = knownEnvironments();
  // Each environment file is read and validated once, for the seed, the deploy hook and every step.
  const configs = Object.fromEntries(environments.map((e) => [e, loadEnvironment(e)] as const));
  for (const environment of environments) {
    const naming = new Naming(configs[environment]);
    for (const service of SERVICE_NAMES) {
      aws.pushImage(naming.repository(service), previousTag);
      aws.pushImage(naming.repository(service), sha);
      aws.putParameter(
        naming.release(service),
        `${previousTag}@${fakeDigest(naming.repository(service), previousTag)}`,
        'first release (dry-run seed)',
      );
    }
  }

  // The services: one real API per environment, started by the first apply of its compute stack.
  const apis = new Map<string, LocalApi>();
  const deployments: Record<string, string[]> = {};
  const ports = Object.fromEntries(await Promise.all(environments.map(async (e) => [e, await freePort()] as const)));
  aws.routes.set('/terraform-apply', async (body) => {
    const environment = String(body.environment);
    const stack = String(body.stack);
    if (!environments.includes(environment)) return { ok: false, message: `DROP_ENV ${environment} is not an environment` };
    if (stack !== 'compute') return { ok: true, message: `${environment}/${stack}: applied (nothing to start)` };
    const synthesized = JSON.parse(readFileSync(path.join(String(body.directory), 'cdk.tf.json'), 'utf8'));
    const naming = new Naming(configs[environment]);
    // The compute stack must run what the release pointers say: it reads them, as Terraform would.
    const reads = Object.values(synthesized.data?.aws_ssm_parameters_by_path ?? {}) as Array<{ path?: string }>;
    if (!reads.some((read) => read.path === naming.releasePath())) {
      return { ok: false, message: `${environment}/compute does not read the release pointers under ${naming.releasePath()}` };
    }
    // The alarms this compute stack defines (App Runner: p95 latency, 5xx ratio, CPU; ECS Express: CPU).
    for (const alarm of Object.values(synthesized.resource?.aws_cloudwatch_metric_alarm ?? {}) as Array<{ alarm_name: string }>) {
      if (!aws.state.alarms.some((a) => a.name === alarm.alarm_name)) aws.state.alarms.push({ name: alarm.alarm_name, state: 'OK' });
    }
    const pointer = aws.parameter(naming.release('api'));
    const tag = pointer?.split('@')[0] ?? '';
    const healthy = !(tag === sha && (options.broken ?? []).includes(environment));
    let api = apis.get(environment);
    if (!api) {
      api = new LocalApi(ports[environment], sharedTemplate);
      apis.set(environment, api);
    }
    await api.deploy({ tag, healthy });
    (deployments[environment] ??= []).push(`${tag}${healthy ? '' : ' (broken)'}`);
    if (!sharedTemplate && healthy) {
      // Later environments (and dry runs) start from this one's database files: saves the first start's migrations.
      await api.stop();
      const template = mkdtempSync(path.join(tmpdir(), 'drop-dry-run-template-'));
      cpSync(api.data, template, { recursive: true });
      sharedTemplate = template;
      process.once('exit', () => rmSync(template, { recursive: true, force: true }));
      await api.deploy({ tag, healthy });
    }
    if (tag === sha && (options.alarm ?? []).includes(environment)) {
      const alarm = aws.state.alarms.find((a) => a.name === `${naming.resource('api')}-cpu`);
      if (!alarm) return { ok: false, message: `${environment}/compute defines no alarm ${naming.resource('api')}-cpu` };
      alarm.state = 'ALARM';
      alarm.reason = 'Threshold Crossed: CPU above 80 % for 3 minutes (dry run)';
    } else {
      for (const alarm of aws.state.alarms.filter((a) => a.name.startsWith(`${naming.resource('api')}-`))) alarm.state = 'OK';
    }
    log(`[deploy] ${environment}: api runs ${tag}${healthy ? '' : ' (broken: fails at start-up)'} on :${ports[environment]}`);
    return { ok: true, message: `${environment}/compute: api runs ${pointer}` };
  });
  const endpoint = await aws.start();

  const terraformLog = path.join(workspace, '.dry-run-terraform.jsonl');
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_SHA: sha,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'dry-run',
    AWS_SECRET_ACCESS_KEY: 'dry-run',
    AWS_EC2_METADATA_DISABLED: 'true',
    TERRAFORM_BINARY_NAME: path.join(workspace, 'scripts', 'dry-run', 'terraform'),
    DRY_RUN_TERRAFORM_LOG: terraformLog,
    DRY_RUN_HOOK_URL: `${endpoint}/terraform-apply`,
    DROP_PIPELINE_TIME_SCALE: String(scale),
    DROP_PUBLIC_URLS: environments.map((e) => `${e}=http://127.0.0.1:${ports[e]}`).join(','),
    CHECKPOINT_DISABLE: '1',
    NEXT_TELEMETRY_DISABLED: '1',
  };

  const results: Record<string, Result> = {};
  const outputs: Record<string, Record<string, string>> = {};
  const records: StepRecord[] = [];
  const summaries: string[] = [];
  const ancestors = (id: string): string[] => [workflow.jobs[id].needs ?? []].flat().flatMap((n) => [n, ...ancestors(n)]);

  try {
    for (const id of order(workflow.jobs)) {
      const job = workflow.jobs[id];
      const needs = Object.fromEntries([job.needs ?? []].flat().map((n) => [n, { result: results[n], outputs: outputs[n] ?? {} }]));
      const ancestorsFailed = ancestors(id).some((a) => results[a] === 'failure');
      const base: Context = { sha, matrix: {}, needs, steps: {}, jobFailed: false, ancestorsFailed };
      const notSelected = options.jobs ? !options.jobs.includes(id) : id in SKIPPED_JOBS;
      if (notSelected) {
        results[id] = 'success';
        records.push({ job: id, leg: '', step: '(job)', result: 'not run', reason: SKIPPED_JOBS[id] ?? 'not selected for this dry run' });
        continue;
      }
      const allNeedsOk = [job.needs ?? []].flat().every((n) => results[n] === 'success');
      const runs = job.if ? condition(job.if, base) : allNeedsOk && !ancestorsFailed;
      if (!runs) {
        results[id] = 'skipped';
        records.push({
          job: id,
          leg: '',
          step: '(job)',
          result: 'skipped',
          reason: job.if ? `if: ${job.if}` : 'a job it needs did not succeed',
        });
        log(`[job] ${id}: skipped`);
        continue;
      }
      let jobResult: Result = 'success';
      for (const matrix of legs(job)) {
        const leg = Object.values(matrix).join('/');
        const context: Context = { ...base, matrix, steps: {} };
        const files = mkdtempSync(path.join(tmpdir(), 'drop-dry-run-job-'));
        const githubFiles = {
          GITHUB_OUTPUT: path.join(files, 'output'),
          GITHUB_ENV: path.join(files, 'env'),
          GITHUB_STEP_SUMMARY: path.join(files, 'summary'),
        };
        for (const file of Object.values(githubFiles)) writeFileSync(file, '');
        const jobEnv = { ...stringEnv(workflow.env, context), ...stringEnv(job.env, context) };
        log(`[job] ${id}${leg ? ` (${leg})` : ''}`);
        for (const step of job.steps) {
          const name = step.name ?? step.uses ?? step.run?.split('\n')[0] ?? '?';
          // In a step's if:, success() and failure() look at the job's earlier steps only.
          const runsStep = step.if ? condition(step.if, { ...context, ancestorsFailed: false }) : !context.jobFailed;
          if (!runsStep) {
            records.push({ job: id, leg, step: name, result: 'skipped', reason: step.if ? `if: ${step.if}` : 'an earlier step failed' });
            continue;
          }
          if (!step.run) {
            records.push({ job: id, leg, step: name, result: 'not run', reason: `action ${step.uses}: GitHub runs it` });
            if (step.id) context.steps[step.id] = { outputs: {}, outcome: 'success' };
            continue;
          }
          if (SKIPPED_STEPS[name]) {
            records.push({ job: id, leg, step: name, result: 'not run', reason: SKIPPED_STEPS[name] });
            continue;
          }
          const env: Record<string, string> = {
            ...baseEnv,
            ...readKeyValues(githubFiles.GITHUB_ENV),
            ...jobEnv,
            ...stringEnv(step.env, context),
            ...githubFiles,
          };
          const environment = env.DROP_ENV ?? matrix.environment;
          env.AWS_REGION = environment && environments.includes(environment) ? configs[environment].aws.region : 'eu-west-1';
          writeFileSync(githubFiles.GITHUB_OUTPUT, '');
          const script = substitute(step.run, context);
          const timeout = (step['timeout-minutes'] ?? 10) * 60_000;
          // Asynchronous, so the fake AWS and the deploy hook in this process keep answering.
          const child = await new Promise<{ status: number | null; signal: string | null; stdout: string }>((resolve) => {
            const p = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
              cwd: path.join(workspace, step['working-directory'] ?? '.'),
              env,
              stdio: ['ignore', 'pipe', 'pipe'],
              timeout,
            });
            let stdout = '';
            p.stdout.on('data', (d) => (stdout += d));
            p.stderr.on('data', (d) => (stdout += d));
            p.on('close', (status, signal) => resolve({ status, signal, stdout }));
          });
          const ok = child.status === 0;
          const stepOutputs = readKeyValues(githubFiles.GITHUB_OUTPUT);
          if (step.id) context.steps[step.id] = { outputs: stepOutputs, outcome: ok ? 'success' : 'failure' };
          records.push({
            job: id,
            leg,
            step: name,
            result: ok ? 'success' : 'failure',
            reason: ok ? undefined : `exit ${child.status ?? child.signal}`,
            output: child.stdout,
          });
          log(`  [step] ${name}: ${ok ? 'ok' : `FAILED (exit ${child.status ?? child.signal})`}`);
          if (!ok) for (const line of child.stdout.trim().split('\n').slice(-15)) log(`    | ${line}`);
          if (!ok && !step['continue-on-error']) context.jobFailed = true;
        }
        const summary = readFileSync(githubFiles.GITHUB_STEP_SUMMARY, 'utf8');
        if (summary) summaries.push(summary);
        outputs[id] = {
          ...outputs[id],
          ...Object.fromEntries(Object.entries(job.outputs ?? {}).map(([k, v]) => [k, substitute(v, context)])),
        };
        if (context.jobFailed) jobResult = 'failure';
        rmSync(files, { recursive: true, force: true });
      }
      results[id] = jobResult;
      log(`[job] ${id}: ${jobResult}`);
    }
    // Calls from the app directory (version checks) are shown as stack "(app)".
    const terraform = existsSync(terraformLog)
      ? readFileSync(terraformLog, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as TerraformCall)
          .map((call) => (call.stack === path.basename(workspace) ? { ...call, stack: '(app)' } : call))
      : [];
    const pointers: Record<string, string | undefined> = {};
    for (const name of aws.state.parameters.keys()) pointers[name] = aws.parameter(name);
    return { jobs: results, steps: records, terraform, aws, deployments, summaries, pointers };
  } finally {
    await Promise.all([...apis.values()].map((api) => api.dispose()));
    await aws.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { broken: { type: 'string', multiple: true, default: [] }, alarm: { type: 'string', multiple: true, default: [] } },
    strict: true,
  });
  dryRun({ broken: values.broken, alarm: values.alarm, log: console.log }).then(
    (result) => {
      console.log('\nJobs:', JSON.stringify(result.jobs, null, 1));
      console.log('terraform calls:');
      for (const call of result.terraform) console.log(`  ${call.environment} ${call.stack}: terraform ${call.args.join(' ')}`);
      console.log('release pointers now:');
      for (const [name, value] of Object.entries(result.pointers)) console.log(`  ${name} = ${value}`);
      for (const summary of result.summaries) console.log(`\n${summary}`);
      const expectedFailure = values.broken.length + values.alarm.length > 0;
      const failed = Object.values(result.jobs).includes('failure');
      if (failed !== expectedFailure) process.exitCode = 1;
    },
    (error: Error) => {
      console.error(error.stack ?? error);
      process.exitCode = 1;
    },
  );
}
