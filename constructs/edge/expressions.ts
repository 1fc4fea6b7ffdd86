/** Small builders for Cloudflare Rules language expressions, so quoting is done in one place. */

/** A quoted string literal. */
export function quoted(value: string): string {
  return JSON.stringify(value);
}

/** `{"a" "b"}`: a set of string literals. */
export function stringSet(values: readonly string[]): string {
  return `{${values.map(quoted).join(' ')}}`;
}

/** The request is for one of `hosts`. */
export function hostIn(hosts: readonly string[]): string {
  return hosts.length === 1 ? `http.host eq ${quoted(hosts[0])}` : `http.host in ${stringSet(hosts)}`;
}

/** The path starts with `prefix`. */
export function pathStartsWith(prefix: string): string {
  return `starts_with(http.request.uri.path, ${quoted(prefix)})`;
}

/**
 * The path is the collection `prefix` names or anything below it: `/v1/transactions/` matches
 * `/v1/transactions` (where the API lists and creates) as well as `/v1/transactions/123`.
 */
export function pathUnder(prefix: string): string {
  const collection = prefix.replace(/\/+$/, '');
  return any(pathIn([collection]), pathStartsWith(`${collection}/`));
}

/** The path is one of `paths` (exact). */
export function pathIn(paths: readonly string[]): string {
  return paths.length === 1 ? `http.request.uri.path eq ${quoted(paths[0])}` : `http.request.uri.path in ${stringSet(paths)}`;
}

/** Joins terms with `and`, each in parentheses. */
export function all(...terms: string[]): string {
  return terms.map((term) => `(${term})`).join(' and ');
}

/** Joins terms with `or`, each in parentheses. */
export function any(...terms: string[]): string {
  return terms.length === 1 ? terms[0] : terms.map((term) => `(${term})`).join(' or ');
}

/**
 * A path pattern of the configuration: a trailing "/" is a prefix ("/images/"), anything else an
 * exact path ("/favicon.ico").
 */
export function pathPatterns(patterns: readonly string[]): string {
  const exact = patterns.filter((p) => !p.endsWith('/'));
  const prefixes = patterns.filter((p) => p.endsWith('/'));
  return any(...(exact.length > 0 ? [pathIn(exact)] : []), ...prefixes.map(pathStartsWith));
}
