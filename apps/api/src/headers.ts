/**
 * What the API and the web app (and the edge) agree on: header names, how the origin secret
 * setting reads, and which OpenID Connect callback parameters the web passes on. No imports: the web app imports this file by path (apps/web/lib/api.ts,
 * lib/origin-verify.ts, proxy.ts), and Next.js bundles it from here.
 */

/** Cloudflare adds `X-Origin-Verify: <secret>` to every request it forwards; the services check it. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** The accepted values of ORIGIN_VERIFY_SECRET (`current` or `current,previous`), in order: the edge sends the first. */
export function originSecrets(setting: string): string[] {
  return setting.split(',').map((s) => s.trim());
}

/** The query parameters the issuer sends the browser back with (code, state, iss; or error): the web passes these to the API. */
export const OIDC_CALLBACK_PARAMS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state'] as const;
