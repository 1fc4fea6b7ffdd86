/**
 * Origin protection: Cloudflare adds `X-Origin-Verify: <secret>` to every request it forwards.
 * With a secret configured, requests without a matching header get 403, except the health path
 * (GET, and HEAD which answers like GET) that App Runner calls directly; the health route then
 * answers only its status unless the header matched (`originMatcher`).
 *
 * Rotation: ORIGIN_VERIFY_SECRET is `current` or `current,previous`. A request carrying either
 * value passes, so the edge can switch to a new value while instances still hold the old one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ORIGIN_VERIFY_HEADER, originSecrets } from '@drop/shared/headers';
import { errorBody } from './http.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * True when `received` equals any accepted value, given by its digest. Hashing makes both sides
 * the same length without leaking it; every value is compared (no early exit).
 */
function matchesAny(received: string, acceptedDigests: readonly Buffer[]): boolean {
  const got = digest(received);
  let matched = false;
  for (const value of acceptedDigests) matched = timingSafeEqual(got, value) || matched;
  return matched;
}

export interface OriginVerifyOptions {
  /** `current` or `current,previous`. */
  readonly secret: string;
  /** Requests (method and exact path) let through without the header. */
  readonly exempt?: readonly { method: string; path: string }[];
}

/** Whether a received `X-Origin-Verify` value is one of the setting's (`current` or `current,previous`). */
export function originMatcher(secret: string): (received: string | undefined) => boolean {
  // Hashed once: the accepted values do not change while the process runs.
  const accepted = originSecrets(secret).map(digest);
  return (received) => received !== undefined && matchesAny(received, accepted);
}

export function originVerify(options: OriginVerifyOptions): MiddlewareHandler {
  const exempt = options.exempt ?? [];
  const matches = originMatcher(options.secret);
  return async (c, next) => {
    if (exempt.some((e) => e.method === c.req.method && e.path === c.req.path)) return next();
    if (!matches(c.req.header(ORIGIN_VERIFY_HEADER))) return c.json(errorBody('forbidden', 'Requests must come through the edge'), 403);
    return next();
  };
}
