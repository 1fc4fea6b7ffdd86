/**
 * GitHub Actions expressions (`${{ ... }}` and `if:`), as the dry run (scripts/pipeline-dry-run.ts)
 * evaluates them: literals, contexts with `.` and `[...]` access, the operators `!`, `==`, `!=`,
 * `<`, `<=`, `>`, `>=`, `&&`, `||` and parentheses, the functions `fromJSON`, `toJSON`, `format`,
 * `contains`, `startsWith`, `endsWith`, `join`, and the status functions `success()`, `failure()`,
 * `always()`, `cancelled()`.
 *
 * GitHub's rules it follows (docs.github.com, "Evaluate expressions in workflows and actions"):
 * `&&` and `||` return one of their operands; `==` compares strings case-insensitively and
 * converts other mixed types to numbers; a missing property is `null`; `null`, `false`, `0`, `''`
 * and NaN are falsy; an `if:` without a status function gets `success() &&` in front. What it
 * leaves out: object filters (`a.*.b`), `hashFiles`, and `case()`; they stop the dry run with
 * the expression's text rather than evaluate to something wrong.
 */

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/** What the status functions look at. */
export interface Status {
  /** success(): no earlier step of this job (a job: no job it depends on) failed or was cancelled. */
  readonly success: boolean;
  /** failure(): an earlier step (a job: a job it depends on) failed. */
  readonly failure: boolean;
  /** cancelled(): the run was cancelled (or this job timed out). */
  readonly cancelled: boolean;
}

export class ExpressionError extends Error {}

type Token = { kind: 'op' | 'string' | 'number' | 'name'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(&&|\|\||==|!=|<=|>=|[!<>()[\].,])|('(?:[^']|'')*')|(-?\d+(?:\.\d+)?(?![\w-]))|([A-Za-z_][\w-]*))/y;
  let index = 0;
  while (index < source.length) {
    if (/^\s*$/.test(source.slice(index))) break;
    pattern.lastIndex = index;
    const m = pattern.exec(source);
    if (!m)
      throw new ExpressionError(`dry run: cannot read the expression ${JSON.stringify(source)} at ${JSON.stringify(source.slice(index))}`);
    index = pattern.lastIndex;
    if (m[1]) tokens.push({ kind: 'op', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'string', text: m[2].slice(1, -1).replace(/''/g, "'") });
    else if (m[3]) tokens.push({ kind: 'number', text: m[3] });
    else tokens.push({ kind: 'name', text: m[4] });
  }
  return tokens;
}

export const truthy = (v: Value): boolean => !(v === null || v === false || v === 0 || v === '' || Number.isNaN(v));

function toNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

/** A value as GitHub writes it into a string: objects and arrays as JSON, null as ''. */
export function asString(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v, null, 2);
  return String(v);
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === 'object' && a !== null) return a === b;
  if (typeof b === 'object' && b !== null) return false;
  if (typeof a === typeof b) return a === b;
  return toNumber(a) === toNumber(b);
}

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  fromjson: ([text]) => {
    try {
      return JSON.parse(asString(text)) as Value;
    } catch {
      throw new ExpressionError(`dry run: fromJSON of ${JSON.stringify(text)}, which is not JSON`);
    }
  },
  tojson: ([value]) => JSON.stringify(value, null, 2),
  format: ([template, ...args]) =>
    asString(template).replace(/\{\{|\}\}|\{(\d+)\}/g, (whole, n: string | undefined) =>
      whole === '{{' ? '{' : whole === '}}' ? '}' : asString(args[Number(n)] ?? null),
    ),
  contains: ([search, item]) =>
    Array.isArray(search) ? search.some((e) => equal(e, item)) : asString(search).toLowerCase().includes(asString(item).toLowerCase()),
  startswith: ([text, prefix]) => asString(text).toLowerCase().startsWith(asString(prefix).toLowerCase()),
  endswith: ([text, suffix]) => asString(text).toLowerCase().endsWith(asString(suffix).toLowerCase()),
  join: ([array, separator]) =>
    Array.isArray(array) ? array.map(asString).join(separator === undefined ? ',' : asString(separator)) : asString(array),
};

/** Evaluates one expression (without `${{ }}`) against `contexts`; `status` is needed only for the status functions. */
export function evaluate(source: string, contexts: Record<string, Value>, status?: Status): Value {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const take = (text?: string): Token => {
    const token = tokens[i++];
    if (!token || (text !== undefined && token.text !== text)) {
      throw new ExpressionError(`dry run: expected ${text ?? 'more'} in ${JSON.stringify(source)}`);
    }
    return token;
  };
  const isOp = (text: string) => peek()?.kind === 'op' && peek()!.text === text;

  const primary = (): Value => {
    const token = take();
    if (token.kind === 'string') return token.text;
    if (token.kind === 'number') return Number(token.text);
    if (token.kind === 'op' && token.text === '(') {
      const v = or();
      take(')');
      return v;
    }
    if (token.kind === 'op' && token.text === '!') return !truthy(unary());
    if (token.kind !== 'name') throw new ExpressionError(`dry run: unexpected ${token.text} in ${JSON.stringify(source)}`);
    const name = token.text;
    if (name === 'true' || name === 'false') return name === 'true';
    if (name === 'null') return null;
    if (isOp('(')) {
      take('(');
      const args: Value[] = [];
      while (!isOp(')')) {
        args.push(or());
        if (isOp(',')) take(',');
      }
      take(')');
      const lower = name.toLowerCase();
      if (['success', 'failure', 'always', 'cancelled'].includes(lower)) {
        if (!status) throw new ExpressionError(`dry run: ${name}() is only allowed in if: (${JSON.stringify(source)})`);
        return lower === 'always' ? true : lower === 'cancelled' ? status.cancelled : lower === 'success' ? status.success : status.failure;
      }
      const fn = FUNCTIONS[lower];
      if (!fn) throw new ExpressionError(`dry run: the function ${name}() is not modelled (${JSON.stringify(source)})`);
      return fn(args);
    }
    if (!(name in contexts)) throw new ExpressionError(`dry run: the context ${name} is not available here (${JSON.stringify(source)})`);
    return contexts[name];
  };
  /** A primary with its `.key` and `[expr]` accesses. */
  const postfix = (): Value => {
    let value = primary();
    for (;;) {
      if (isOp('.')) {
        take('.');
        const key = take();
        if (key.text === '*') throw new ExpressionError(`dry run: object filters are not modelled (${JSON.stringify(source)})`);
        value = property(value, key.text);
      } else if (isOp('[')) {
        take('[');
        const key = or();
        take(']');
        value = property(value, asString(key));
      } else return value;
    }
  };
  const property = (value: Value, key: string): Value => {
    if (value === null || typeof value !== 'object') return null;
    if (Array.isArray(value)) return value[Number(key)] ?? null;
    const found = Object.keys(value).find((k) => k.toLowerCase() === key.toLowerCase());
    return found === undefined ? null : value[found];
  };
  const unary = (): Value => postfix();
  const comparison = (): Value => {
    let left = unary();
    while (peek()?.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(peek()!.text)) {
      const op = take().text;
      const right = unary();
      if (op === '==') left = equal(left, right);
      else if (op === '!=') left = !equal(left, right);
      else {
        const [a, b] = [toNumber(left), toNumber(right)];
        left = op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
      }
    }
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (isOp('&&')) {
      take('&&');
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (isOp('||')) {
      take('||');
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const result = or();
  if (i !== tokens.length) throw new ExpressionError(`dry run: cannot parse ${JSON.stringify(source)} after ${tokens[i - 1]?.text}`);
  return result;
}

/** Replaces every `${{ ... }}` in `text`. A text that is one whole expression keeps its value (an array stays an array). */
export function interpolate(text: string, contexts: Record<string, Value>): Value {
  const whole = /^\$\{\{([\s\S]+?)\}\}$/.exec(text.trim());
  if (whole && !whole[1].includes('}}')) return evaluate(whole[1], contexts);
  return text.replace(/\$\{\{([\s\S]+?)\}\}/g, (_, expression: string) => asString(evaluate(expression, contexts)));
}

/** Evaluates an `if:` condition; without a status function GitHub reads it as `success() && (...)`. */
export function condition(source: string, contexts: Record<string, Value>, status: Status): boolean {
  const text = source.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const usesStatus = /\b(success|failure|always|cancelled)\s*\(\s*\)/i.test(text);
  return truthy(evaluate(usesStatus ? text : `success() && (${text})`, contexts, status));
}
