/**
 * What may reach a log line. Every line the API writes passes through `safeLine` of the one
 * redactor (`@drop/shared/redact`, which Sentry and the access log use too): no secrets, no
 * personal data, no control characters. Errors are described by `describeError`: the driver's code
 * and message and the failing statement (placeholders only), never the query parameters drizzle
 * puts in its message.
 */
export { redactText, safeLine } from '@drop/shared/redact';

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  query?: unknown;
  params?: unknown;
  cause?: unknown;
  stack?: unknown;
}

/**
 * An error for the log: `Name: message` of each error in the `cause` chain, with the SQLSTATE of
 * database errors, and the stack frames of the outermost. drizzle's query errors carry the
 * parameters in their message (`Failed query: ...\nparams: ...`): only the statement is kept.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let frames = '';
  const seen = new Set<unknown>();
  for (let e = error as ErrorLike | undefined; e && typeof e === 'object' && !seen.has(e); e = e.cause as ErrorLike | undefined) {
    seen.add(e);
    const name = typeof e.name === 'string' ? e.name : 'Error';
    let message = typeof e.message === 'string' ? e.message : String(e);
    // drizzle: `Failed query: <statement>\nparams: <values>`; only the statement stays, shortened.
    const paramsAt = message.indexOf('\nparams:');
    if (paramsAt >= 0) message = message.slice(0, Math.min(paramsAt, 240));
    const code = typeof e.code === 'string' ? ` [${e.code}]` : '';
    parts.push(`${name}${code}: ${message}`);
    if (!frames && typeof e.stack === 'string') {
      frames = e.stack
        .split('\n')
        .filter((line) => /^\s+at /.test(line))
        .slice(0, 8)
        .map((line) => line.trim())
        .join(' < ');
    }
  }
  if (!parts.length) parts.push(String(error));
  return `${parts.join(' / caused by ')}${frames ? ` (${frames})` : ''}`;
}
