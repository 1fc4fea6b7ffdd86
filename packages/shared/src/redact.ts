/**
 * The one redactor: what may leave a process of the platform, in a log line, an access log line or
 * an error report (Sentry, from both services). Nothing else masks personal data or credentials,
 * so a rule added here holds everywhere.
 *
 * In every string (`redactText`):
 *  - drizzle's query errors: `Failed query: <statement>\nparams: <values>` keeps the statement
 *    (placeholders only) and drops the values: they are a description with a name, a national id,
 *    an OpenID Connect flow's state, nonce and PKCE verifier;
 *  - JSON Web Tokens; `Bearer` and `Basic` credentials; a URL's password;
 *  - cookies (a `Cookie:`/`Set-Cookie:` header written out, and `name=value` of any cookie or
 *    parameter whose name says session, token, csrf, secret or password);
 *  - OAuth/OpenID Connect parameters in URLs and query strings (`code`, `state`, `nonce`,
 *    `code_verifier`, tokens);
 *  - Norwegian national identity numbers in every written form: `31129945616`, `311299 45616`,
 *    `311299-45616`, `31.12.99 45616` (a D-number is the same shape).
 * In objects (`scrub`): the value under any sensitive key (`Authorization`, `Cookie`, tokens,
 * secrets, passwords, national ids, `state`, `nonce`, `code`, `code_verifier`, `params`), and
 * `[name, value]` header pairs by their name; every other string as above.
 * For log lines (`safeLine`): the above, and control characters escaped so that text a client
 * sent cannot split or forge a line.
 */

export const FILTERED = '[Filtered]';
export const NATIONAL_ID = '[national-id]';
export const JWT = '[jwt]';

/** Keys whose values never leave: credentials, personal data, and the flow secrets of OpenID Connect. */
export const SENSITIVE_KEY =
  /authorization|cookie|token|secret|password|passwd|api[-_]?key|session|csrf|nnin|national|fnr|ssn|origin-verify|verifier|^(code|state|nonce|params)$/i;

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // drizzle: `Failed query: <statement>\nparams: <values>` (to the end: the values may hold newlines).
  [/(\n|^)params: [\s\S]*$/, `$1params: ${FILTERED}`],
  [/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, JWT],
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${FILTERED}`],
  // scheme://user:password@host
  [/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]*@/gi, `$1:${FILTERED}@`],
  [/\b((?:set-)?cookie:\s*)[^\r\n]*/gi, `$1${FILTERED}`],
  // "key": "value" of JSON written into a message.
  [
    /("(?:[\w-]*(?:authorization|cookie|token|secret|password|session|csrf|verifier|national)[\w-]*|state|nonce|code)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${FILTERED}"`,
  ],
  // name=value where the name says what it holds: cookies, form fields, query parameters.
  [/\b([\w.-]*(?:session|token|csrf|secret|password|verifier)[\w.-]*=)[^;&\s"',]*/gi, `$1${FILTERED}`],
  [/([?&#](?:code|state|nonce|iss_state|session_state)=)[^&#\s"']*/gi, `$1${FILTERED}`],
  // Norwegian national identity numbers: 11 digits, or 6 + 5 with a space, dash or dot, or the
  // date written with dots or spaces (dd.mm.yy nnnnn); not inside a word of letters and digits,
  // where eleven digits in a row are part of an identifier (a UUID's last group, a digest).
  [/(?<![A-Za-z\d.])\d{2}[.\s]?\d{2}[.\s]?\d{2}[\s.-]?\d{5}(?![A-Za-z\d])/g, NATIONAL_ID],
];

/** `text` with every secret and piece of personal data above replaced. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

// C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Replaces control characters with a visible `\uXXXX` escape. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One log line, safe to write: redacted, then without control characters. */
export function safeLine(message: string): string {
  return escapeControl(redactText(message));
}

/** A redacted deep copy (an error report, a breadcrumb); `undefined`, functions and dates are kept as they are. */
export function scrub<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (value === null || typeof value !== 'object' || depth > 12 || value instanceof Date) return value;
  if (Array.isArray(value)) {
    // [name, value] header pairs: filtered by the name.
    if (value.length === 2 && typeof value[0] === 'string' && SENSITIVE_KEY.test(value[0])) return [value[0], FILTERED] as T;
    return value.map((v) => scrub(v, depth + 1)) as T;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    out[key] = SENSITIVE_KEY.test(key) && v !== undefined && v !== null ? FILTERED : scrub(v, depth + 1);
  return out as T;
}
