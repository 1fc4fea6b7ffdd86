/**
 * Header names the API and the web app (and the edge) agree on. No imports: the web app imports
 * this file by path (apps/web/lib/api.ts, apps/web/proxy.ts), and Next.js bundles it from here.
 */

/** Cloudflare adds `X-Origin-Verify: <secret>` to every request it forwards; the services check it. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';
