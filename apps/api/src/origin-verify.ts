/**
 * Origin protection: Cloudflare adds `X-Origin-Verify: <secret>` to every request it forwards.
 * With a secret configured, requests without a matching header get 403, except the health path
 * (GET, and HEAD which answers like GET) that App Runner calls directly.
 *
 * Rotation: ORIGIN_VERIFY_SECRET is `current` or `current,previous`. A request carrying either
 * value passes, so the edge can switch to a new value while instances still hold the old one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ORIGIN_VERIFY_HEADER } from './headers.js';
import { errorBody } from './http.js';

/** The accepted values of ORIGIN_VERIFY_SECRET (`current` or `current,previous`), in order. */
export function originSecrets(value: string): string[] {
  return value.split(',').map((s) => s.trim());
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time comparison; hashing first makes both sides the same length without leaking it. */
export function secretsMatch(received: string, expected: string): boolean {
  return timingSafeEqual(digest(received), digest(expected));
}

/** True when `received` equals any accepted value; every value is compared (no early exit). */
export function matchesAny(received: string, accepted: readonly string[]): boolean {
  const got = digest(received);
  let matched = false;
  for (const value of accepted) matched = timingSafeEqual(got, digest(value)) || matched;
  return matched;
}

export interface OriginVerifyOptions {
  /** `current` or `current,previous`. */
  readonly secret: string;
  /** Requests (method and exact path) let through without the header. */
  readonly exempt?: readonly { method: string; path: string }[];
}

export function originVerify(options: OriginVerifyOptions): MiddlewareHandler {
  const exempt = options.exempt ?? [];
  const accepted = originSecrets(options.secret);
  return async (c, next) => {
    if (exempt.some((e) => e.method === c.req.method && e.path === c.req.path)) return next();
    const received = c.req.header(ORIGIN_VERIFY_HEADER);
    if (received === undefined || !matchesAny(received, accepted)) {
      return c.json(errorBody('forbidden', 'Requests must come through the edge'), 403);
    }
    return next();
  };
}
