/**
 * Removes personal data and credentials from anything about to leave the process (error reports):
 * values under sensitive keys (Authorization, Cookie, tokens, secrets, national ids, OAuth
 * code/state/nonce), and in every string, national identity numbers, JWTs and bearer tokens.
 * The web app's Sentry (apps/web/instrumentation.ts) scrubs with this module too: one set of rules.
 */
export const FILTERED = '[Filtered]';

const SENSITIVE_KEY =
  /authorization|cookie|token|secret|password|passwd|api[-_]?key|session|nnin|national|fnr|ssn|origin-verify|code_verifier|^(code|state|nonce)$/i;
const PATTERNS: [RegExp, string][] = [
  [/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]'],
  [/\b(Bearer|Basic)\s+[\w\-.~+/=]+/gi, '$1 [Filtered]'],
  // Norwegian national identity numbers (11 digits, optionally written 6+5).
  [/(?<!\d)\d{6}\s?\d{5}(?!\d)/g, '[national-id]'],
  // Query parameters that carry credentials, inside URLs and query strings.
  [/([?&](?:code|state|nonce|token|access_token|id_token|session_state)=)[^&#\s]*/gi, '$1[Filtered]'],
];

export function scrubString(value: string): string {
  return PATTERNS.reduce((s, [pattern, replacement]) => s.replace(pattern, replacement), value);
}

/** A scrubbed deep copy; `undefined` and functions are kept as they are. */
export function scrub<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return scrubString(value) as T;
  if (value === null || typeof value !== 'object' || depth > 12) return value;
  if (Array.isArray(value)) {
    // [name, value] header pairs: filter by the name.
    if (value.length === 2 && typeof value[0] === 'string' && SENSITIVE_KEY.test(value[0])) return [value[0], FILTERED] as T;
    return value.map((v) => scrub(v, depth + 1)) as T;
  }
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    out[key] = SENSITIVE_KEY.test(key) && v !== undefined && v !== null ? FILTERED : scrub(v, depth + 1);
  return out as T;
}
