/**
 * Origin protection: Cloudflare adds `X-Origin-Verify: <secret>` to every request it forwards.
 * With a secret configured, requests without the matching header get 403, except the health path
 * that App Runner calls directly.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** Constant-time comparison; hashing first makes both sides the same length without leaking it. */
export function secretsMatch(received: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(received), digest(expected));
}

export interface OriginVerifyOptions {
  readonly secret: string;
  /** Requests (method and exact path) let through without the header. */
  readonly exempt?: readonly { method: string; path: string }[];
}

export function originVerify(options: OriginVerifyOptions): MiddlewareHandler {
  const exempt = options.exempt ?? [];
  return async (c, next) => {
    if (exempt.some((e) => e.method === c.req.method && e.path === c.req.path)) return next();
    const received = c.req.header(ORIGIN_VERIFY_HEADER);
    if (received === undefined || !secretsMatch(received, options.secret)) {
      return c.json({ error: { code: 'forbidden', message: 'Requests must come through the edge' } }, 403);
    }
    return next();
  };
}
