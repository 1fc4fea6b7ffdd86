/** The Hono app: routes, CORS for the web origin, origin protection, and errors without stack traces. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { authRoutes } from './routes/auth.js';
import type { BankIdOidc } from './bankid-oidc.js';
import type { Database } from './db/database.js';
import type { ErrorReporter } from './sentry.js';
import { originVerify } from './origin-verify.js';
import { errorBody } from './http.js';
import { describeError, safeLine } from './log.js';
import { type CorsOptions, corsPreflight, securityHeaders, withHeaders } from './security-headers.js';
import { healthRoutes } from './routes/health.js';
import { transactionRoutes } from './routes/transactions.js';

export const HEALTH_PATH = '/v1/health';
const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AppOptions {
  readonly database: Database;
  readonly jwtSecret: string;
  readonly appUrl: string;
  readonly bankIdMock: boolean;
  /** The OpenID Connect client for live BankID; required when bankIdMock is false. */
  readonly bankId?: BankIdOidc;
  readonly version: string;
  readonly startedAt?: number;
  /** `current` or `current,previous`: every request but the health check needs `X-Origin-Verify` equal to one. @default - not enforced */
  readonly originVerifySecret?: string;
  /** @default 2000 */
  readonly healthTimeoutMs?: number;
  readonly log?: (message: string) => void;
  /** Unexpected errors (500s) are reported here (Sentry when SENTRY_DSN is set). @default - not reported */
  readonly reportError?: ErrorReporter;
}

export function createApp(options: AppOptions) {
  // Every line passes through safeLine: one line, no control characters, no secrets.
  const sink = options.log ?? ((message: string) => console.error(message));
  const log = (message: string) => sink(safeLine(message));
  const app = new Hono();

  // First, so every answer carries them, the origin check's 403 included.
  app.use('*', securityHeaders());
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
  const corsOptions: CorsOptions = {
    origin: options.appUrl,
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    exposeHeaders: ['Idempotent-Replayed'],
    maxAge: 600,
  };
  const corsHeaders = cors({
    ...corsOptions,
    allowMethods: [...corsOptions.allowMethods],
    allowHeaders: [...corsOptions.allowHeaders],
    exposeHeaders: [...corsOptions.exposeHeaders],
  });
  // CORS headers only mean something to a browser, which sends Origin on every cross-origin
  // request. hono's cors sets them through `c.res` before the route runs, which turns every
  // response into a streamed web Response (a third of the CPU of a 404): without an Origin header
  // we skip it, and only say that the answer varies by Origin. A preflight gets the same answer
  // as from hono's cors (a test compares them), built with c.header: cors answers it with a new
  // web Response, which cost a preflight half of its throughput.
  const preflight = corsPreflight(corsOptions);
  app.use('/v1/*', (c, next) => {
    if (c.req.header('origin') === undefined) {
      c.header('Vary', 'Origin');
      return next();
    }
    return c.req.method === 'OPTIONS' ? Promise.resolve(preflight(c)) : corsHeaders(c, next);
  });
  // Only for methods whose body a route reads: hono's bodyLimit looks at `c.req.raw.body`, which
  // makes @hono/node-server build a full web Request (AbortController, stream) for every request;
  // on GET /v1/health, 404s and preflights that was a fifth of the CPU profile.
  const limit = bodyLimit({
    maxSize: 16 * 1024,
    onError: (c) => c.json(errorBody('payload_too_large', 'The request body exceeds 16 KiB'), 413),
  });
  app.use('/v1/*', (c, next) => (BODYLESS.has(c.req.method) ? next() : limit(c, next)));

  // Chained: the routes' types add up to the app's type, which the web app's client is typed by.
  const routes = app
    .route(HEALTH_PATH, healthRoutes({ ...options, startedAt: options.startedAt ?? Date.now(), timeoutMs: options.healthTimeoutMs, log }))
    .route('/v1/auth', authRoutes({ ...options, log }))
    .route('/v1/transactions', transactionRoutes(options));

  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return withHeaders(error.getResponse());
    // The client gets an opaque error; the details (and the stack) go to the log only.
    const id = crypto.randomUUID();
    log(`error ${id} on ${c.req.method} ${c.req.path}: ${describeError(error)}`);
    options.reportError?.(error, c.req.raw);
    return c.json(errorBody('internal_error', `Something went wrong (reference ${id})`), 500);
  });
  return routes;
}

/** The API's routes, their inputs and answers: `hc<AppType>(url)` from `hono/client` calls it typed. */
export type AppType = ReturnType<typeof createApp>;
