/**
 * What GitHub Actions does with a workflow before running a step, as far as the dry run
 * (scripts/pipeline-dry-run.ts) needs it: the shape of jobs and steps, matrix legs (literal or
 * `fromJSON` of an earlier job's output), the order `needs` implies, the shell a `run:` step gets,
 * concurrency groups, and the key=value files ($GITHUB_OUTPUT, $GITHUB_ENV) steps write.
 * Expressions are in expressions.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type Status, type Value, asString, condition, interpolate } from './expressions';

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string | number | boolean>;
  'continue-on-error'?: boolean;
  'timeout-minutes'?: number;
  'working-directory'?: string;
}

export interface Concurrency {
  group: string;
  'cancel-in-progress'?: boolean | string;
}

export interface Defaults {
  run?: { shell?: string; 'working-directory'?: string };
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  env?: Record<string, string | number | boolean>;
  environment?: string | { name: string; url?: string };
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> | string; 'fail-fast'?: boolean };
  concurrency?: string | Concurrency;
  defaults?: Defaults;
  permissions?: Record<string, string> | string;
  'timeout-minutes'?: number;
  steps: Step[];
}

export interface Workflow {
  name?: string;
  on?: unknown;
  env?: Record<string, string | number | boolean>;
  concurrency?: string | Concurrency;
  defaults?: Defaults;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

export type Result = 'success' | 'failure' | 'skipped' | 'cancelled';

export const needsOf = (job: Job): string[] => [job.needs ?? []].flat();

/**
 * The legs of a job: one per matrix combination, `include` entries added or merged as GitHub
 * does. `contexts` resolves a matrix (or its `include`) given as an expression, such as
 * `${{ fromJSON(needs.environments.outputs.staging) }}`.
 */
export function legs(job: Job, contexts: Record<string, Value> = {}): Record<string, string>[] {
  const resolve = (value: unknown): unknown => (typeof value === 'string' ? interpolate(value, contexts) : value);
  const matrix = resolve(job.strategy?.matrix) as Record<string, unknown> | undefined;
  if (!matrix) return [{}];
  if (typeof matrix !== 'object')
    throw new Error(`dry run: the matrix of ${job.name ?? 'a job'} is not an object: ${JSON.stringify(matrix)}`);
  const { include: rawInclude, exclude, ...axes } = matrix;
  if (exclude) throw new Error('dry run: matrix exclude is not supported');
  const include = resolve(rawInclude) as Record<string, unknown>[] | undefined;
  if (include !== undefined && !Array.isArray(include)) {
    throw new Error(`dry run: matrix include of ${job.name ?? 'a job'} is not a list: ${JSON.stringify(include)}`);
  }
  const text = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  let combinations: Record<string, string>[] = [{}];
  for (const [key, raw] of Object.entries(axes)) {
    const values = resolve(raw);
    if (!Array.isArray(values)) throw new Error(`dry run: matrix axis ${key} is not a list: ${JSON.stringify(values)}`);
    combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [key]: text(v) })));
  }
  if (Object.keys(axes).length === 0) combinations = [];
  for (const extra of include ?? []) {
    const entry = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, text(v)]));
    const matching = combinations.filter((c) => Object.keys(axes).every((k) => !(k in entry) || c[k] === entry[k]));
    if (matching.length > 0 && Object.keys(axes).some((k) => k in entry)) matching.forEach((c) => Object.assign(c, entry));
    else combinations.push(entry);
  }
  if (combinations.length === 0) throw new Error(`dry run: the matrix of ${job.name ?? 'a job'} has no legs (GitHub fails such a job)`);
  return combinations;
}

export function order(jobs: Record<string, Job>): string[] {
  const done: string[] = [];
  const visit = (id: string, trail: string[]) => {
    if (done.includes(id)) return;
    if (trail.includes(id)) throw new Error(`dry run: jobs depend on each other in a cycle: ${[...trail, id].join(' -> ')}`);
    if (!jobs[id]) throw new Error(`dry run: ${trail.at(-1)} needs ${id}, which is not a job`);
    for (const need of needsOf(jobs[id])) visit(need, [...trail, id]);
    done.push(id);
  };
  Object.keys(jobs).forEach((id) => visit(id, []));
  return done;
}

/** Every job `id` depends on, directly or through others. */
export function ancestors(jobs: Record<string, Job>, id: string): string[] {
  return [...new Set(needsOf(jobs[id]).flatMap((n) => [n, ...ancestors(jobs, n)]))];
}

export function readKeyValues(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  if (!existsSync(file)) return values;
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([\w-]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      values[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = lines[i].indexOf('=');
    if (eq > 0) values[lines[i].slice(0, eq)] = lines[i].slice(eq + 1);
  }
  return values;
}

export const stringEnv = (env: Record<string, string | number | boolean> | undefined, contexts: Record<string, Value>) =>
  Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, asString(interpolate(String(v), contexts))]));

/**
 * The command line GitHub runs a `run:` step's script with on Linux, `{0}` standing for the script
 * file (docs.github.com, "Workflow syntax": jobs.<job_id>.steps[*].shell). The step's `shell:`
 * wins, then the job's `defaults.run.shell`, then the workflow's. Without any: `bash -e {0}`, which
 * has no pipefail, so `cmd | tee file` takes tee's status. `shell: bash` is
 * `bash --noprofile --norc -eo pipefail {0}`.
 */
export function shellOf(step: Step, job: Job, workflow: Workflow): string[] {
  const shell = step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell;
  if (shell === undefined) return ['bash', '-e', '{0}'];
  if (shell === 'bash') return ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '{0}'];
  if (shell === 'sh') return ['sh', '-e', '{0}'];
  if (shell.includes('{0}')) return shell.trim().split(/\s+/);
  throw new Error(`dry run: shell ${JSON.stringify(shell)} is not modelled (bash, sh, or a command with {0})`);
}

/** A job's concurrency group for one leg (the job's own, else the workflow's), or undefined. */
export function concurrencyOf(
  job: Job,
  workflow: Workflow,
  contexts: Record<string, Value>,
): { group: string; cancelInProgress: boolean; level: 'job' | 'workflow' } | undefined {
  const own = job.concurrency;
  const raw = own ?? workflow.concurrency;
  if (raw === undefined) return undefined;
  const spec = typeof raw === 'string' ? { group: raw } : raw;
  const cancel = spec['cancel-in-progress'];
  return {
    group: asString(interpolate(spec.group, contexts)),
    cancelInProgress: typeof cancel === 'string' ? asString(interpolate(cancel, contexts)) === 'true' : cancel === true,
    level: own !== undefined ? 'job' : 'workflow',
  };
}

/** The GitHub environment a job names, for one leg, or undefined. */
export function environmentOf(job: Job, contexts: Record<string, Value>): string | undefined {
  if (job.environment === undefined) return undefined;
  const name = typeof job.environment === 'string' ? job.environment : job.environment.name;
  return asString(interpolate(name, contexts));
}

export { condition, type Status };
