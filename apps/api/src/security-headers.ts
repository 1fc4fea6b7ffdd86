/**
 * The API's security headers: hono's `secureHeaders()` defaults, set before the route runs.
 *
 * `secureHeaders()` sets them on `c.res` after the route, which makes @hono/node-server turn its
 * lightweight response into a full web Response for every request (most of what a 404 or a
 * preflight costs). Headers set with `c.header()` before the route go into the response as it is
 * built. Responses built outside the context (an HTTPException's) get them in `withHeaders`.
 * The CORS preflight answer lives here for the same reason.
 */
import type { Context, MiddlewareHandler } from 'hono';

/** hono's secureHeaders() defaults (hono/secure-headers HEADERS_MAP with DEFAULT_OPTIONS). */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

export function securityHeaders(): MiddlewareHandler {
  // Not async: the route's promise is returned as it is, without another frame around it.
  return (c, next) => {
    for (const [name, value] of SECURITY_HEADERS) c.header(name, value);
    return next();
  };
}

/** A response made outside the context (HTTPException#getResponse), with the security headers. */
export function withHeaders(response: Response): Response {
  for (const [name, value] of SECURITY_HEADERS) if (!response.headers.has(name)) response.headers.set(name, value);
  return response;
}

export interface CorsOptions {
  readonly origin: string;
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAge: number;
}

/**
 * The answer hono's `cors(options)` gives a preflight (OPTIONS), for one allowed origin, built
 * on the context so @hono/node-server keeps its lightweight response.
 */
export function corsPreflight(options: CorsOptions): (c: Context) => Response {
  const methods = options.allowMethods.join(',');
  const headers = options.allowHeaders.join(',');
  const expose = options.exposeHeaders.join(',');
  // Vary in one go: appending makes hono build a Headers object, which is most of a preflight's cost.
  const vary = headers ? 'Origin, Access-Control-Request-Headers' : 'Origin';
  return (c) => {
    if (c.req.header('origin') === options.origin) c.header('Access-Control-Allow-Origin', options.origin);
    if (expose) c.header('Access-Control-Expose-Headers', expose);
    c.header('Vary', vary);
    c.header('Access-Control-Max-Age', String(options.maxAge));
    c.header('Access-Control-Allow-Methods', methods);
    if (headers) c.header('Access-Control-Allow-Headers', headers);
    return c.body(null, 204);
  };
}
