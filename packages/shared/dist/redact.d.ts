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
export declare const FILTERED = "[Filtered]";
export declare const NATIONAL_ID = "[national-id]";
export declare const JWT = "[jwt]";
/** Keys whose values never leave: credentials, personal data, and the flow secrets of OpenID Connect. */
export declare const SENSITIVE_KEY: RegExp;
/** `text` with every secret and piece of personal data above replaced. */
export declare function redactText(text: string): string;
/** Replaces control characters with a visible `\uXXXX` escape. */
export declare function escapeControl(text: string): string;
/** One log line, safe to write: redacted, then without control characters. */
export declare function safeLine(message: string): string;
/** A redacted deep copy (an error report, a breadcrumb); `undefined`, functions and dates are kept as they are. */
export declare function scrub<T>(value: T, depth?: number): T;
