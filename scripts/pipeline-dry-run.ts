/**
 * A dry run of a workflow on this machine (the main workflow by default, or the pull-request one):
 * it parses `.github/workflows/<file>` and runs its jobs in the order `needs` gives, as GitHub
 * would: each leg on a fresh runner (a copy of the checkout, its own $HOME), `run:` steps with
 * GitHub's shells (`bash -e {0}` by default, no pipefail; `shell: bash` with pipefail), job and
 * step `if:` with the status functions, matrices (also `fromJSON` of an earlier job's output), env,
 * outputs, $GITHUB_OUTPUT, $GITHUB_ENV, $GITHUB_PATH and $GITHUB_STEP_SUMMARY, artifacts between
 * jobs, and the control plane's rules:
 *   - secrets: a job sees the repository's secrets and, only when it names a GitHub environment,
 *     that environment's; any other `secrets.X` is empty, as on GitHub. Which secret lives where
 *     is read from the synthesized bootstrap stack (review/trust.ts, secretsOf);
 *   - approvals: a job that names a GitHub environment with required reviewers (the environment
 *     files' ci.reviewers) waits for its own approval, which the dry run records and gives or
 *     refuses (options.approvals); a refused job fails, and so does the run, as on GitHub;
 *   - concurrency: each leg's group is evaluated and recorded (the job's own, else the workflow's);
 *   - cancellation: options.cancel cancels the run at a step; GitHub then runs only the steps and
 *     jobs whose `if:` still holds (always(), cancelled()), or nothing more after its 5-minute
 *     cancellation timeout (`hard`).
 * Only these are replaced:
 *   - AWS: a loopback fake of the SSM, ECR and CloudWatch calls (AWS_ENDPOINT_URL);
 *   - terraform and docker: stand-ins first on PATH (dry-run/terraform-model.ts,
 *     dry-run/docker-model.ts), the terraform one also as TERRAFORM_BINARY_NAME for the cdktf CLI;
 *   - `uses:` actions: models of the ones the workflows use (dry-run/actions.ts);
 *   - the deployed services: the real API as a local process per environment (World);
 *   - the public URLs: DROP_PUBLIC_URLS points the health checks at each environment's local API;
 *   - time: DROP_PIPELINE_TIME_SCALE shortens the 10 s health interval and the 15 min watch.
 * A step that passes although a terraform or docker command in it failed is a problem of the run
 * (`problems`): a failure was hidden, e.g. by a pipe without pipefail.
 *
 *   npm run pipeline:dry-run [-- --broken production-stockholm] [-- --alarm production] [-- --workflow pull-request.yml]
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { load } from 'js-yaml';
import { loadControl } from '../config';
import { Naming, STACK_IDS } from '../constructs/naming';
import { synthControlStack } from '../review/synth';
import type { TerraformJson } from '../review/terraform';
import { secretsOf } from '../review/trust';
import { runAction } from './dry-run/actions';
import { DockerModel } from './dry-run/docker-model';
import { type Value, asString, interpolate } from './dry-run/expressions';
import type { FakeAws } from './dry-run/fake-aws';
import { type TerraformCall, TerraformModel, type TokenRights } from './dry-run/terraform-model';
import {
  type Job,
  type Result,
  type Step,
  type Workflow,
  ancestors,
  concurrencyOf,
  condition,
  environmentOf,
  legs,
  needsOf,
  order,
  readKeyValues,
  shellOf,
  stringEnv,
} from './dry-run/workflow';
import { type ReleaseBehaviour, World } from './dry-run/world';

export type { Result, TerraformCall };
export { World };

const ROOT = path.join(__dirname, '..');

/** Steps the dry run does not run (they count as passed), by name, and why. */
export const SKIPPED_STEPS: Readonly<Record<string, string>> = {
  'Migrate the database':
    'ECS RegisterTaskDefinition, RunTask and DescribeTasks the fake AWS does not implement (npm run db:migrate is tested with SDK mocks in __tests__/scripts/db-migrate.test.ts)',
  'Check the custom domains on the Express load balancer':
    'ELB and ACM reads the fake AWS does not implement (npm run ecs-domains is tested with SDK mocks in __tests__/scripts/ecs-domains.test.ts)',
  'Check the custom domains after rollback': 'as "Check the custom domains on the Express load balancer"',
};

/** Jobs the dry run does not run (they count as passed), and why. */
export const SKIPPED_JOBS: Readonly<Record<string, string>> = {
  verify: 'typecheck, lint and unit tests: npm test itself',
  'e2e-staging': 'drives a browser through the HTTPS edge (npm run e2e against a deployed staging)',
  review: 'the review report synthesizes the base branch in a git worktree (npm run review; tested in __tests__/review)',
};

export interface StepRecord {
  readonly job: string;
  readonly leg: string;
  readonly step: string;
  readonly result: Result | 'not run';
  readonly reason?: string;
  readonly output?: string;
  /** How long a `run:` step took here. */
  readonly seconds?: number;
}

export interface ApprovalRecord {
  readonly job: string;
  readonly leg: string;
  readonly environment: string;
  readonly reviewers: readonly string[];
  readonly decision: 'approved' | 'rejected';
}

export interface LegRecord {
  readonly job: string;
  readonly leg: string;
  readonly environment?: string;
  /** Secret names the leg could read (repository, and its environment's). */
  readonly secrets: readonly string[];
  readonly concurrency?: { readonly group: string; readonly level: 'job' | 'workflow' };
  readonly result: Result;
}

export interface DryRunOptions extends ReleaseBehaviour {
  /** The workflow's file under .github/workflows (default main.yml). */
  readonly file?: string;
  /** The workflow text (default: the file's text in this checkout). */
  readonly workflow?: string;
  /** The commit being delivered: its images are tagged with it. */
  readonly sha?: string;
  /** Errors the terraform stand-in gives: `<env>/<stack>/<command>` → Terraform's error text. */
  readonly terraformErrors?: Readonly<Record<string, string>>;
  /** What is deployed before the first apply of a stack (default: the configuration being applied: no changes). */
  readonly deployed?: (environment: string, stack: string, current: TerraformJson) => TerraformJson;
  /** The reviewers' decision per GitHub environment (default: approve). */
  readonly approvals?: Readonly<Record<string, 'approve' | 'reject'>>;
  /** Cancels the run at this step (its leg: `leg` starts the leg's name); `hard`: the 5-minute cancellation timeout passes. */
  readonly cancel?: { readonly job: string; readonly leg?: string; readonly step: string; readonly hard?: boolean };
  /** Only these jobs run (the others count as passed); default: all but SKIPPED_JOBS. */
  readonly jobs?: readonly string[];
  /** Only the legs this accepts run (the others are left out of the job). */
  readonly legs?: (job: string, matrix: Readonly<Record<string, string>>) => boolean;
  /** The cloud to run against (a re-run: the one an earlier dry run left); default: a new one, disposed at the end. */
  readonly world?: World;
  /** The pull request's number, for pull-request workflows. */
  readonly pullRequest?: number;
  readonly timeScale?: number;
  readonly log?: (line: string) => void;
}

export interface DryRunResult {
  /** Result per job (a matrix job fails when a leg fails). */
  readonly jobs: Readonly<Record<string, Result>>;
  readonly steps: readonly StepRecord[];
  readonly legs: readonly LegRecord[];
  readonly approvals: readonly ApprovalRecord[];
  readonly terraform: readonly TerraformCall[];
  readonly docker: readonly { args: readonly string[]; status: number }[];
  readonly aws: FakeAws;
  /** Releases each environment's API ran, in order (tag and whether it was healthy). */
  readonly deployments: Readonly<Record<string, readonly string[]>>;
  /** What the jobs wrote to $GITHUB_STEP_SUMMARY. */
  readonly summaries: readonly string[];
  /** Current release pointer values, by parameter name. */
  readonly pointers: Readonly<Record<string, string | undefined>>;
  /** Artifact names the run uploaded. */
  readonly artifacts: readonly string[];
  /** The pull request's comments the run left (github-script). */
  readonly comments: readonly string[];
  /** What GitHub would not show as a failure but should: hidden failures. Empty when the run told the truth. */
  readonly problems: readonly string[];
}

/** Everything one dry run shares between its jobs. */
interface Run {
  readonly options: DryRunOptions;
  readonly log: (line: string) => void;
  readonly sha: string;
  readonly file: string;
  readonly text: string;
  readonly workflow: Workflow;
  readonly world: World;
  readonly ownsWorld: boolean;
  readonly files: readonly string[];
  readonly scratch: string;
  readonly artifacts: string;
  /** The pull request's comments (github-script), as JSON. */
  readonly comments: string;
  readonly baseEnv: Record<string, string>;
  readonly terraform: TerraformModel;
  readonly docker: DockerModel;
  /** Repository secrets and each GitHub environment's, name → the dry run's value. */
  readonly secrets: { readonly repository: Record<string, string>; readonly environments: Map<string, Record<string, string>> };
  /** Required reviewers by GitHub environment (empty: none). */
  readonly reviewers: ReadonlyMap<string, readonly string[]>;
  readonly results: Record<string, Result>;
  readonly outputs: Record<string, Record<string, string>>;
  readonly steps: StepRecord[];
  readonly legs: LegRecord[];
  readonly approvals: ApprovalRecord[];
  readonly summaries: string[];
  readonly problems: string[];
  cancelled: boolean;
}

// ---------------------------------------------------------------------------------------------
// Set-up: the cloud, the stand-ins, the control plane's secrets and reviewers.

async function setUp(options: DryRunOptions): Promise<Run> {
  const log = options.log ?? (() => undefined);
  const sha = options.sha ?? '0123456789abcdef0123456789abcdef01234567';
  const file = options.file ?? 'main.yml';
  const text = options.workflow ?? readFileSync(path.join(ROOT, '.github', 'workflows', file), 'utf8');
  const workflow = load(text) as Workflow;
  const world = options.world ?? (await World.create());
  const scratch = mkdtempSync(path.join(tmpdir(), 'drop-dry-run-'));
  const artifacts = path.join(scratch, 'artifacts');
  mkdirSync(artifacts);

  // The control plane: the secrets the bootstrap stack creates, with values that say what they are.
  const control = loadControl();
  const made = secretsOf(
    synthControlStack(
      control,
      world.environments.map((e) => world.configs[e]),
    ).control,
  );
  const repository = Object.fromEntries([...made.repository].map((name) => [name, `dry-run/${name}`]));
  const environments = new Map(
    [...made.environments].map(([env, names]) => [env, Object.fromEntries([...names].map((n) => [n, `dry-run/${n}/${env}`]))]),
  );
  const reviewers = new Map(
    world.environments.map((e) => {
      const { githubEnvironment, reviewers: r } = world.configs[e].ci;
      return [
        githubEnvironment,
        [...r.teams.map((t) => `@${control.github.repository.split('/')[0]}/${t}`), ...r.users.map((u) => `@${u}`)],
      ] as const;
    }),
  );
  const tokens = tokenRights(world, repository, environments);

  const terraform = new TerraformModel({
    tokens,
    errors: options.terraformErrors,
    deployed: options.deployed,
    state: world.terraformState,
    onApply: (environment, stack, directory) =>
      world.applied(environment, stack, directory, { tag: sha, broken: options.broken, alarm: options.alarm, stale: options.stale }, log),
  });
  const docker = new DockerModel(world.aws);
  world.aws.routes.set('/terraform', (body) => terraform.handle(body as never));
  world.aws.routes.set('/docker', async (body) => docker.handle(body as never));
  const endpoint = await world.aws.start();
  const selected = (id: string) => (options.jobs ? options.jobs.includes(id) : !(id in SKIPPED_JOBS));
  // Without the push job, this commit's images are in the registries already, with the push job's records.
  if ('push' in workflow.jobs && !selected('push')) {
    for (const [artifact, { environment, service, record }] of Object.entries(world.seedImages(sha))) {
      mkdirSync(path.join(artifacts, artifact));
      writeFileSync(path.join(artifacts, artifact, `${environment}-${service}.json`), `${JSON.stringify(record)}\n`);
    }
  }

  // The stand-ins, first on PATH in every step.
  const bin = path.join(scratch, 'bin');
  mkdirSync(bin);
  for (const tool of ['terraform', 'docker']) symlinkSync(path.join(ROOT, 'scripts', 'dry-run', tool), path.join(bin, tool));
  const baseEnv: Record<string, string> = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_SHA: sha,
    GITHUB_REPOSITORY: control.github.repository,
    GITHUB_REF: `refs/heads/${control.github.deployBranch}`,
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    TERRAFORM_BINARY_NAME: path.join(bin, 'terraform'),
    DRY_RUN_HOOK_URL: endpoint,
    DROP_PIPELINE_TIME_SCALE: String(options.timeScale ?? 0.01),
    DROP_PUBLIC_URLS: world.publicUrls,
    CHECKPOINT_DISABLE: '1',
    NEXT_TELEMETRY_DISABLED: '1',
  };
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .stdout.split('\0')
    .filter((f) => f && existsSync(path.join(ROOT, f))); // deleted, not yet committed
  return {
    options,
    log,
    sha,
    file,
    text,
    workflow,
    world,
    ownsWorld: options.world === undefined,
    files,
    scratch,
    artifacts,
    comments: path.join(scratch, 'comments.json'),
    baseEnv,
    terraform,
    docker,
    secrets: { repository, environments },
    reviewers,
    results: {},
    outputs: {},
    steps: [],
    legs: [],
    approvals: [],
    summaries: [],
    problems: [],
    cancelled: false,
  };
}

/**
 * What each Terraform Cloud token may do (constructs/control/terraform-cloud.ts): the pull-request
 * token reads state and queues nothing; an environment's deploy token reads, plans and applies the
 * workspaces of the environments of its GitHub environment.
 */
function tokenRights(
  world: World,
  repository: Record<string, string>,
  environments: Map<string, Record<string, string>>,
): Map<string, TokenRights> {
  const rights = new Map<string, TokenRights>();
  const workspaces = (githubEnvironment: string) =>
    new Set(
      world.environments
        .filter((e) => world.configs[e].ci.githubEnvironment === githubEnvironment)
        .flatMap((e) => STACK_IDS.map((stack) => new Naming(world.configs[e]).workspace(stack))),
    );
  if (repository.TF_PLAN_TOKEN)
    rights.set(repository.TF_PLAN_TOKEN, { name: 'TF_PLAN_TOKEN', read: () => true, plan: () => false, apply: () => false });
  for (const [githubEnvironment, secrets] of environments) {
    if (!secrets.TF_API_TOKEN) continue;
    const own = workspaces(githubEnvironment);
    const mine = (ws: string) => own.has(ws);
    rights.set(secrets.TF_API_TOKEN, { name: `TF_API_TOKEN of ${githubEnvironment}`, read: mine, plan: mine, apply: mine });
  }
  return rights;
}

// ---------------------------------------------------------------------------------------------
// Jobs and legs.

function githubContext(run: Run, workspace: string): Value {
  const [owner, repo] = String(run.baseEnv.GITHUB_REPOSITORY).split('/');
  return {
    sha: run.sha,
    ref: run.baseEnv.GITHUB_REF,
    repository: `${owner}/${repo}`,
    repository_owner: owner,
    workspace,
    server_url: 'https://github.com',
    run_id: '1',
    event_name: run.options.pullRequest ? 'pull_request' : 'push',
    base_ref: run.options.pullRequest ? 'main' : '',
    event: run.options.pullRequest ? { pull_request: { number: run.options.pullRequest } } : {},
  };
}

async function runJob(run: Run, id: string): Promise<void> {
  const { workflow, options, log } = run;
  const job = workflow.jobs[id];
  const needs: Value = Object.fromEntries(needsOf(job).map((n) => [n, { result: run.results[n], outputs: run.outputs[n] ?? {} }]));
  const selected = options.jobs ? options.jobs.includes(id) : !(id in SKIPPED_JOBS);
  if (!selected) {
    run.results[id] = 'success';
    run.steps.push({ job: id, leg: '', step: '(job)', result: 'not run', reason: SKIPPED_JOBS[id] ?? 'not selected for this dry run' });
    return;
  }
  const before = ancestors(workflow.jobs, id).map((a) => run.results[a]);
  const status = {
    success: before.every((r) => r === 'success'),
    failure: before.includes('failure'),
    cancelled: run.cancelled,
  };
  const contexts: Record<string, Value> = { github: githubContext(run, ''), needs, inputs: {}, vars: {} };
  const runs = job.if ? condition(job.if, contexts, status) : status.success && !run.cancelled;
  if (!runs) {
    run.results[id] = run.cancelled && !job.if ? 'cancelled' : 'skipped';
    run.steps.push({
      job: id,
      leg: '',
      step: '(job)',
      result: run.results[id],
      reason: job.if ? `if: ${job.if}` : run.cancelled ? 'the run was cancelled' : 'a job it needs did not succeed',
    });
    log(`[job] ${id}: ${run.results[id]}`);
    return;
  }
  // The legs run at once, as on GitHub; with fail-fast (the default) a failed leg cancels the others.
  const strategy: Strategy = { failFast: job.strategy?.['fail-fast'] !== false, failed: false };
  const results = await Promise.all(
    legs(job, contexts)
      .filter((m) => options.legs?.(id, m) ?? true)
      .map((matrix) => runLeg(run, id, job, matrix, needs, strategy)),
  );
  const result: Result = results.includes('failure') ? 'failure' : results.includes('cancelled') ? 'cancelled' : 'success';
  run.results[id] = result;
  log(`[job] ${id}: ${result}`);
}

/** A matrix job's legs share this: whether one failed, and whether that cancels the others. */
interface Strategy {
  readonly failFast: boolean;
  failed: boolean;
}

async function runLeg(run: Run, id: string, job: Job, matrix: Record<string, string>, needs: Value, strategy: Strategy): Promise<Result> {
  const { workflow, options } = run;
  // A leg's lines are printed together when it ends (legs run at once).
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const leg = Object.values(matrix)
    .filter((v) => !v.startsWith('arn:'))
    .slice(0, 3)
    .join('/');
  const workspace = checkout(run);
  const runner = mkdtempSync(path.join(run.scratch, 'runner-'));
  const home = path.join(runner, 'home');
  mkdirSync(home);
  const contexts: Record<string, Value> = {
    github: githubContext(run, workspace),
    matrix,
    needs,
    inputs: {},
    vars: {},
    strategy: {},
    runner: { os: 'Linux', temp: runner },
  };
  const githubEnvironment = environmentOf(job, contexts);
  const visible = {
    GITHUB_TOKEN: 'dry-run/GITHUB_TOKEN',
    ...run.secrets.repository,
    ...(githubEnvironment ? (run.secrets.environments.get(githubEnvironment) ?? {}) : {}),
  };
  contexts.secrets = visible;
  const concurrency = concurrencyOf(job, workflow, contexts);
  const record = (result: Result) => {
    run.legs.push({
      job: id,
      leg,
      environment: githubEnvironment,
      secrets: Object.keys(visible).filter((s) => s !== 'GITHUB_TOKEN'),
      concurrency: concurrency && { group: concurrency.group, level: concurrency.level },
      result,
    });
    rmSync(runner, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
    if (result === 'failure') strategy.failed = true;
    for (const line of lines) run.log(line);
    return result;
  };
  log(`[job] ${id}${leg ? ` (${leg})` : ''}${githubEnvironment ? ` in environment ${githubEnvironment}` : ''}`);

  // A job that names an environment with required reviewers waits for its own approval.
  if (githubEnvironment !== undefined) {
    if (!run.reviewers.has(githubEnvironment)) {
      run.problems.push(
        `${id} (${leg}): names the GitHub environment ${githubEnvironment}, which no environment file configures (GitHub would create it with no protection)`,
      );
    }
    const reviewers = run.reviewers.get(githubEnvironment) ?? [];
    if (reviewers.length > 0) {
      const decision = options.approvals?.[githubEnvironment] === 'reject' ? 'rejected' : 'approved';
      run.approvals.push({ job: id, leg, environment: githubEnvironment, reviewers, decision });
      run.steps.push({
        job: id,
        leg,
        step: '(approval)',
        result: decision === 'approved' ? 'success' : 'failure',
        reason: `waited for ${reviewers.join(', ')}: ${decision}`,
      });
      log(`  [approval] ${githubEnvironment}: waited for ${reviewers.join(', ')}; ${decision}`);
      if (decision === 'rejected') return record('failure');
    }
  }

  const githubFiles = {
    GITHUB_OUTPUT: path.join(runner, 'output'),
    GITHUB_ENV: path.join(runner, 'env'),
    GITHUB_PATH: path.join(runner, 'path'),
    GITHUB_STEP_SUMMARY: path.join(runner, 'summary'),
  };
  for (const file of Object.values(githubFiles)) writeFileSync(file, '');
  const added: Record<string, string> = {}; // environment the actions set (credentials, region)
  const steps: Record<string, { outputs: Record<string, string>; outcome: Result; conclusion: Result }> = {};
  contexts.steps = steps as unknown as Value;
  contexts.env = { ...stringEnv(workflow.env, contexts), ...stringEnv(job.env, contexts) };
  const jobEnv = contexts.env as Record<string, string>;
  let status: Result = 'success';
  let terminated = false;

  for (const [index, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? step.run?.split('\n')[0] ?? '?';
    if (terminated) {
      run.steps.push({ job: id, leg, step: name, result: 'not run', reason: 'forced termination after the 5-minute cancellation timeout' });
      continue;
    }
    if (strategy.failFast && strategy.failed && status === 'success') {
      status = 'cancelled'; // another leg failed: GitHub cancels this one (fail-fast)
      log(`  [fail-fast] another leg of ${id} failed: this leg is cancelled`);
    }
    contexts.job = { status };
    const cancelHere =
      options.cancel && options.cancel.job === id && leg.startsWith(options.cancel.leg ?? '') && options.cancel.step === name;
    if (cancelHere) {
      run.cancelled = true;
      status = 'cancelled';
      run.steps.push({ job: id, leg, step: name, result: 'cancelled', reason: 'the run was cancelled during this step' });
      log(`  [step] ${name}: CANCELLED`);
      if (step.id) steps[step.id] = { outputs: {}, outcome: 'cancelled', conclusion: 'cancelled' };
      terminated = options.cancel!.hard === true;
      continue;
    }
    const runsStep = condition(step.if ?? 'success()', contexts, {
      success: status === 'success',
      failure: status === 'failure',
      cancelled: run.cancelled || status === 'cancelled',
    });
    if (!runsStep) {
      run.steps.push({ job: id, leg, step: name, result: 'skipped', reason: step.if ? `if: ${step.if}` : 'an earlier step failed' });
      if (step.id) steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    if (SKIPPED_STEPS[name]) {
      run.steps.push({ job: id, leg, step: name, result: 'not run', reason: SKIPPED_STEPS[name] });
      if (step.id) steps[step.id] = { outputs: {}, outcome: 'success', conclusion: 'success' };
      continue;
    }
    const key = `${id} (${leg}) #${index} ${name}`;
    const env: Record<string, string> = {
      ...run.baseEnv,
      ...readKeyValues(githubFiles.GITHUB_ENV),
      ...added,
      ...jobEnv,
      ...stringEnv(step.env, contexts),
      ...githubFiles,
      HOME: home,
      RUNNER_TEMP: runner,
      GITHUB_WORKSPACE: workspace,
      DRY_RUN_STEP: key,
    };
    const extraPath = readFileSync(githubFiles.GITHUB_PATH, 'utf8').split('\n').filter(Boolean).reverse();
    if (extraPath.length > 0) env.PATH = `${extraPath.join(':')}:${env.PATH}`;
    let outcome: Result;
    let outputs: Record<string, string> = {};
    if (step.uses) {
      const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, asString(interpolate(String(v), contexts))]));
      const github = { repository: run.baseEnv.GITHUB_REPOSITORY, pullRequest: options.pullRequest, comments: run.comments };
      const action = runAction({ step, inputs, job, workflow, workspace, home, env, artifacts: run.artifacts, github });
      if (action.result === 'not run') {
        run.steps.push({ job: id, leg, step: name, result: 'not run', reason: action.reason });
        if (step.id) steps[step.id] = { outputs: {}, outcome: 'success', conclusion: 'success' };
        continue;
      }
      outcome = action.result;
      if (action.result === 'success') {
        outputs = action.outputs ?? {};
        Object.assign(added, action.env ?? {});
      }
      run.steps.push({
        job: id,
        leg,
        step: name,
        result: outcome,
        output: action.output,
        reason: outcome === 'failure' ? action.output : undefined,
      });
      log(`  [action] ${name}: ${outcome === 'success' ? 'ok' : `FAILED: ${action.output}`}`);
    } else {
      const started = Date.now();
      const executed = await runScript(run, { step, job, workspace, runner, env, contexts, githubFiles });
      const seconds = (Date.now() - started) / 1000;
      outcome = executed.ok ? 'success' : 'failure';
      outputs = executed.outputs;
      run.steps.push({
        job: id,
        leg,
        step: name,
        result: outcome,
        reason: executed.ok ? undefined : executed.reason,
        output: executed.output,
        seconds,
      });
      log(`  [step] ${name}: ${executed.ok ? 'ok' : `FAILED (${executed.reason})`} (${seconds.toFixed(1)} s)`);
      if (!executed.ok) for (const line of executed.output.trim().split('\n').slice(-15)) log(`    | ${line}`);
      hiddenFailures(run, key, `${id}${leg ? ` (${leg})` : ''} / ${name}`, executed.ok);
    }
    const conclusion = outcome === 'failure' && step['continue-on-error'] ? 'success' : outcome;
    if (step.id) steps[step.id] = { outputs, outcome, conclusion };
    if (conclusion === 'failure' && status === 'success') {
      status = 'failure';
      if (strategy.failFast) strategy.failed = true;
    }
  }
  const summary = readFileSync(githubFiles.GITHUB_STEP_SUMMARY, 'utf8');
  if (summary) run.summaries.push(summary);
  run.outputs[id] = {
    ...run.outputs[id],
    ...Object.fromEntries(Object.entries(job.outputs ?? {}).map(([k, v]) => [k, asString(interpolate(v, contexts))])),
  };
  return record(status);
}

/** A fresh runner's checkout: the tracked and new files of this repository (node_modules linked), the workflow as given. */
function checkout(run: Run): string {
  const workspace = mkdtempSync(path.join(run.scratch, 'workspace-'));
  for (const file of run.files) {
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(workspace, file));
  }
  for (const modules of ['node_modules', 'apps/api/node_modules', 'apps/web/node_modules']) {
    if (existsSync(path.join(ROOT, modules))) symlinkSync(path.join(ROOT, modules), path.join(workspace, modules), 'dir');
  }
  writeFileSync(path.join(workspace, '.github', 'workflows', run.file), run.text);
  return workspace;
}

interface ScriptInput {
  readonly step: Step;
  readonly job: Job;
  readonly workspace: string;
  readonly runner: string;
  readonly env: Record<string, string>;
  readonly contexts: Record<string, Value>;
  readonly githubFiles: { readonly GITHUB_OUTPUT: string };
}

/** A `run:` step: its script in a file, run by the shell GitHub would use, with the step's timeout. */
async function runScript(
  run: Run,
  input: ScriptInput,
): Promise<{ ok: boolean; reason: string; output: string; outputs: Record<string, string> }> {
  const { step, job, workspace, runner, env, contexts, githubFiles } = input;
  writeFileSync(githubFiles.GITHUB_OUTPUT, '');
  const script = path.join(runner, `${randomUUID()}.sh`);
  writeFileSync(script, asString(interpolate(step.run!, contexts)));
  const [shell, ...args] = shellOf(step, job, run.workflow).map((part) => (part === '{0}' ? script : part));
  const timeout = (step['timeout-minutes'] ?? job['timeout-minutes'] ?? 360) * 60_000;
  const cwd = path.join(
    workspace,
    asString(interpolate(step['working-directory'] ?? job.defaults?.run?.['working-directory'] ?? '.', contexts)),
  );
  // Asynchronous, so the fake AWS and the stand-ins' hooks in this process keep answering.
  const child = await new Promise<{ status: number | null; signal: string | null; output: string }>((resolve) => {
    const p = spawn(shell, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout });
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    p.on('error', (error) => resolve({ status: 127, signal: null, output: `${output}${error.message}` }));
    p.on('close', (status, signal) => resolve({ status, signal, output }));
  });
  const ok = child.status === 0;
  const reason = ok ? '' : child.signal ? `timed out after ${timeout / 60_000} min (${child.signal})` : `exit ${child.status}`;
  return { ok, reason, output: child.output, outputs: readKeyValues(githubFiles.GITHUB_OUTPUT) };
}

/** A step that passed although a terraform or docker command in it failed hid that failure. */
function hiddenFailures(run: Run, key: string, where: string, ok: boolean): void {
  if (!ok) return;
  const failed = [
    ...run.terraform.calls
      .filter((c) => c.step === key && c.status !== 0)
      .map((c) => `terraform ${c.args.join(' ')} (${c.environment}/${c.stack})`),
    ...run.docker.calls.filter((c) => c.step === key && c.status !== 0).map((c) => `docker ${c.args.join(' ')}`),
  ];
  for (const command of failed) {
    run.problems.push(
      `${where}: passed, but ${command} failed in it: the step hid the failure (a pipe without pipefail, or an ignored exit status)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Report.

function report(run: Run): DryRunResult {
  // Calls from the app directory (cdktf's version checks) are shown as stack "(app)".
  const terraform = run.terraform.calls.map((call) => (call.stack.startsWith('workspace-') ? { ...call, stack: '(app)' } : call));
  return {
    jobs: { ...run.results },
    steps: run.steps,
    legs: run.legs,
    approvals: run.approvals,
    terraform,
    docker: run.docker.calls,
    aws: run.world.aws,
    deployments: run.world.deployments,
    summaries: run.summaries,
    pointers: run.world.pointers(),
    artifacts: readdirSync(run.artifacts).sort(),
    problems: run.problems,
    comments: existsSync(run.comments) ? (JSON.parse(readFileSync(run.comments, 'utf8')) as { body: string }[]).map((c) => c.body) : [],
  };
}

async function tearDown(run: Run): Promise<void> {
  await run.world.aws.stop();
  if (run.ownsWorld) await run.world.dispose();
  rmSync(run.scratch, { recursive: true, force: true });
}

export async function dryRun(options: DryRunOptions = {}): Promise<DryRunResult> {
  const run = await setUp(options);
  try {
    for (const id of order(run.workflow.jobs)) await runJob(run, id);
    return report(run);
  } finally {
    await tearDown(run);
  }
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      broken: { type: 'string', multiple: true, default: [] },
      alarm: { type: 'string', multiple: true, default: [] },
      workflow: { type: 'string', default: 'main.yml' },
    },
    strict: true,
  });
  dryRun({ broken: values.broken, alarm: values.alarm, file: values.workflow, log: console.log }).then(
    (result) => {
      console.log('\nJobs:', JSON.stringify(result.jobs, null, 1));
      console.log('approvals:');
      for (const a of result.approvals) console.log(`  ${a.job} (${a.leg}): ${a.environment}, ${a.reviewers.join(', ')}: ${a.decision}`);
      console.log('terraform calls:');
      for (const call of result.terraform)
        console.log(`  ${call.environment} ${call.stack}: terraform ${call.args.join(' ')} -> ${call.status}`);
      console.log('release pointers now:');
      for (const [name, value] of Object.entries(result.pointers)) console.log(`  ${name} = ${value}`);
      for (const summary of result.summaries) console.log(`\n${summary}`);
      for (const problem of result.problems) console.log(`PROBLEM: ${problem}`);
      const expectedFailure = values.broken.length + values.alarm.length > 0;
      const failed = Object.values(result.jobs).includes('failure');
      if (failed !== expectedFailure || result.problems.length > 0) process.exitCode = 1;
    },
    (error: Error) => {
      console.error(error.stack ?? error);
      process.exitCode = 1;
    },
  );
}
