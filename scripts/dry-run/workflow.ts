/**
 * What GitHub Actions does with a workflow before running a step, as far as the dry run
 * (scripts/pipeline-dry-run.ts) needs it: the shape of jobs and steps, `${{ }}` expressions and
 * `if:` conditions with the status functions, matrix legs, the order `needs` implies, and the
 * key=value files ($GITHUB_OUTPUT) steps write.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string | number | boolean>;
  'continue-on-error'?: boolean;
  'timeout-minutes'?: number;
  'working-directory'?: string;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  env?: Record<string, string | number | boolean>;
  environment?: string | { name: string };
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}

export interface Workflow {
  env?: Record<string, string | number | boolean>;
  jobs: Record<string, Job>;
}

export type Result = 'success' | 'failure' | 'skipped';

// Expressions: the subset the workflows use. Anything else stops the dry run with its text.

export interface Context {
  sha: string;
  matrix: Record<string, string>;
  needs: Record<string, { result: Result; outputs: Record<string, string> }>;
  steps: Record<string, { outputs: Record<string, string>; outcome: Result }>;
  /** The job's status functions. */
  jobFailed: boolean;
  ancestorsFailed: boolean;
}

function lookup(expression: string, context: Context): string {
  const e = expression.trim();
  let m: RegExpExecArray | null;
  if (e === 'github.sha') return context.sha;
  if ((m = /^matrix\.([\w-]+)$/.exec(e))) {
    if (!(m[1] in context.matrix)) throw new Error(`dry run: matrix.${m[1]} is not defined`);
    return context.matrix[m[1]];
  }
  if ((m = /^needs\.([\w-]+)\.(result|outputs\.([\w-]+))$/.exec(e))) {
    const need = context.needs[m[1]];
    if (!need) throw new Error(`dry run: needs.${m[1]} is not a job this one needs`);
    return m[2] === 'result' ? need.result : (need.outputs[m[3]] ?? '');
  }
  if ((m = /^steps\.([\w-]+)\.(outputs\.([\w-]+)|outcome|conclusion)$/.exec(e))) {
    const step = context.steps[m[1]];
    if (m[2] === 'outcome' || m[2] === 'conclusion') return step?.outcome ?? '';
    return step?.outputs[m[3]] ?? '';
  }
  if (/^(vars|secrets)(\.|\[)/.test(e)) return ''; // only `uses:` steps and job names read these
  throw new Error(`dry run: cannot evaluate \${{ ${e} }}`);
}

/** Replaces `${{ ... }}` in a string. */
export function substitute(text: string, context: Context): string {
  return text.replace(/\$\{\{(.+?)\}\}/g, (_, expression: string) => lookup(expression, context));
}

/** Evaluates an `if:` condition: &&, ||, !, ==, !=, parentheses, status functions, literals, contexts. */
export function condition(source: string, context: Context): boolean {
  const text = source.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const tokens = text.match(/\s*(&&|\|\||==|!=|!|\(|\)|'[^']*'|[\w.-]+\(\)|[\w.\-[\]]+)/g)?.map((t) => t.trim()) ?? [];
  if (tokens.join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) throw new Error(`dry run: cannot parse if: ${source}`);
  let i = 0;
  const value = (): string | boolean => {
    const token = tokens[i++];
    if (token === '(') {
      const v = or();
      if (tokens[i++] !== ')') throw new Error(`dry run: unbalanced parentheses in if: ${source}`);
      return v;
    }
    if (token === '!') return !truthy(value());
    if (token === 'success()') return !context.ancestorsFailed && !context.jobFailed;
    if (token === 'failure()') return context.ancestorsFailed || context.jobFailed;
    if (token === 'always()') return true;
    if (token === 'cancelled()') return false;
    if (token === 'true' || token === 'false') return token === 'true';
    if (token?.startsWith("'")) return token.slice(1, -1);
    return lookup(token, context);
  };
  const truthy = (v: string | boolean) => v !== false && v !== '';
  const comparison = (): string | boolean => {
    const left = value();
    if (tokens[i] === '==' || tokens[i] === '!=') {
      const op = tokens[i++];
      const right = value();
      return op === '==' ? String(left) === String(right) : String(left) !== String(right);
    }
    return left;
  };
  // `a && b`, `a || b`: left to right, each operand the next tighter level (&& binds tighter than ||).
  const chain = (op: '&&' | '||', operand: () => string | boolean) => (): string | boolean => {
    let v = operand();
    while (tokens[i] === op) {
      i++;
      const r = operand();
      v = op === '&&' ? truthy(v) && truthy(r) : truthy(v) || truthy(r);
    }
    return v;
  };
  const or = chain('||', chain('&&', comparison));
  const result = or();
  if (i !== tokens.length) throw new Error(`dry run: cannot parse if: ${source}`);
  const usesStatus = /\b(success|failure|always|cancelled)\(\)/.test(text);
  // Without a status function GitHub adds success().
  return truthy(result) && (usesStatus || (!context.ancestorsFailed && !context.jobFailed));
}

export function legs(job: Job): Record<string, string>[] {
  const matrix = job.strategy?.matrix;
  if (!matrix) return [{}];
  const { include, exclude, ...axes } = matrix as Record<string, unknown[]> & { include?: Record<string, string>[]; exclude?: unknown };
  if (exclude) throw new Error('dry run: matrix exclude is not supported');
  let combinations: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(axes)) {
    combinations = combinations.flatMap((c) => (values as unknown[]).map((v) => ({ ...c, [key]: String(v) })));
  }
  if (Object.keys(axes).length === 0) combinations = [];
  for (const extra of include ?? []) {
    const matching = combinations.filter((c) => Object.keys(axes).every((k) => !(k in extra) || c[k] === String(extra[k])));
    if (matching.length > 0 && Object.keys(axes).some((k) => k in extra)) matching.forEach((c) => Object.assign(c, extra));
    else combinations.push({ ...extra });
  }
  return combinations;
}

export function order(jobs: Record<string, Job>): string[] {
  const done: string[] = [];
  const visit = (id: string, trail: string[]) => {
    if (done.includes(id)) return;
    if (trail.includes(id)) throw new Error(`dry run: jobs depend on each other in a cycle: ${[...trail, id].join(' -> ')}`);
    if (!jobs[id]) throw new Error(`dry run: ${trail.at(-1)} needs ${id}, which is not a job`);
    for (const need of [jobs[id].needs ?? []].flat()) visit(need, [...trail, id]);
    done.push(id);
  };
  Object.keys(jobs).forEach((id) => visit(id, []));
  return done;
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

export const stringEnv = (env: Record<string, string | number | boolean> | undefined, context: Context) =>
  Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, substitute(String(v), context)]));
