/**
 * What the API, the web app and the edge agree on: header names, how the origin secret setting
 * reads, and which OpenID Connect callback parameters the web passes on.
 */

/** Cloudflare adds `X-Origin-Verify: <secret>` to every request it forwards; the services check it. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** The request id of the access log, answered to the client and passed from the web app to the API. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** The accepted values of ORIGIN_VERIFY_SECRET (`current` or `current,previous`), in order: the edge sends the first. */
export function originSecrets(setting: string): string[] {
  return setting.split(',').map((s) => s.trim());
}

/** The query parameters the issuer sends the browser back with (code, state, iss; or error): the web passes these to the API. */
export const OIDC_CALLBACK_PARAMS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state'] as const;
