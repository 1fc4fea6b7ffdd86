/**
 * What may reach a log line. Every line the API writes passes through `safeLine`:
 *  - one line: control characters (newline, carriage return, NUL, escape, C1) become `\uXXXX`, so
 *    text a client sent (a description, a path) cannot forge or split log lines;
 *  - no secrets: national identity numbers, bearer tokens and JWTs, and a URL's password are masked.
 * Database errors are described by `describeError`: the driver's code and message and the failing
 * statement (which has placeholders only), never the query parameters drizzle puts in its message.
 */

// C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Replaces control characters with a visible `\uXXXX` escape. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `scheme://user:password@host` → `scheme://user:***@host`. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]*@/gi, '$1:***@');
}

export function redact(text: string): string {
  return redactUrl(text)
    .replace(/\b(Bearer)\s+[^\s"',]+/gi, '$1 ***')
    .replace(/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, '[jwt]')
    .replace(/(?<!\d)\d{11}(?!\d)/g, '[national-id]');
}

/** One log line, safe to write: no control characters, no secrets. */
export function safeLine(message: string): string {
  return stripControl(redact(message));
}

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
