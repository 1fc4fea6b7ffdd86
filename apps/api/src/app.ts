/** The Hono app: routes, CORS for the web origin, origin protection, and errors without stack traces. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { authRoutes } from './auth.js';
import type { Database } from './db/database.js';
import { originVerify } from './origin-verify.js';
import { describeError, safeLine } from './log.js';
import { healthRoutes } from './routes/health.js';
import { transactionRoutes } from './routes/transactions.js';

export const HEALTH_PATH = '/v1/health';

export interface AppOptions {
  readonly database: Database;
  readonly jwtSecret: string;
  readonly appUrl: string;
  readonly bankIdMock: boolean;
  readonly version: string;
  readonly startedAt?: number;
  /** `current` or `current,previous`: every request but the health check needs `X-Origin-Verify` equal to one. @default - not enforced */
  readonly originVerifySecret?: string;
  /** @default 2000 */
  readonly healthTimeoutMs?: number;
  readonly log?: (message: string) => void;
}

export function createApp(options: AppOptions): Hono {
  // Every line passes through safeLine: one line, no control characters, no secrets.
  const sink = options.log ?? ((message: string) => console.error(message));
  const log = (message: string) => sink(safeLine(message));
  const app = new Hono();

  if (options.originVerifySecret) {
    app.use(
      '*',
      originVerify({
        secret: options.originVerifySecret,
        exempt: [
          { method: 'GET', path: HEALTH_PATH },
          { method: 'HEAD', path: HEALTH_PATH },
        ],
      }),
    );
  }
  app.use('*', secureHeaders());
  app.use(
    '/v1/*',
    cors({
      origin: options.appUrl,
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
      exposeHeaders: ['Idempotent-Replayed'],
      maxAge: 600,
    }),
  );
  app.use('/v1/*', bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.json({ error: { code: 'payload_too_large', message: 'The request body exceeds 16 KiB' } }, 413) }));

  app.route(HEALTH_PATH, healthRoutes({ ...options, startedAt: options.startedAt ?? Date.now(), timeoutMs: options.healthTimeoutMs, log }));
  app.route('/v1/auth', authRoutes(options));
  app.route('/v1/transactions', transactionRoutes(options));

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    // The client gets an opaque error; the details (and the stack) go to the log only.
    const id = crypto.randomUUID();
    log(`error ${id} on ${c.req.method} ${c.req.path}: ${describeError(error)}`);
    return c.json({ error: { code: 'internal_error', message: `Something went wrong (reference ${id})` } }, 500);
  });
  return app;
}
