/**
 * The Hono app: routes, CORS for the web origin, origin protection, an access log, and errors
 * without stack traces: a client's mistake is a 4xx, load or a database outage a 503 with
 * `Retry-After`, anything else an opaque 500 with a reference.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import { ORIGIN_VERIFY_HEADER, REQUEST_ID_HEADER } from '@drop/shared/headers';
import { authRoutes } from './routes/auth.js';
import type { BankIdOidc } from './bankid-oidc.js';
import type { Database } from './db/database.js';
import { databaseTrouble } from './db/errors.js';
import type { ErrorReporter } from './sentry.js';
import { originMatcher, originVerify } from './origin-verify.js';
import { errorBody } from './http.js';
import { describeError, safeLine } from './log.js';
import { type CorsOptions, corsPreflight, securityHeaders, withHeaders } from './security-headers.js';
import { healthRoutes } from './routes/health.js';
import { transactionRoutes } from './routes/transactions.js';

export const HEALTH_PATH = '/v1/health';
const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** A request id the web app (or the edge) passed on is kept; anything else is replaced by a new one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
/** Seconds a client should wait before retrying a 503: overload clears fast, an outage takes longer. */
export const RETRY_AFTER_SECONDS = { overloaded: 2, unavailable: 5 } as const;

export type AppEnv = { Variables: { requestId: string } };

/** The route pattern that answered (`/v1/transactions/`), never the path with its ids; a 404 matched only middleware. */
function routeOf(c: Parameters<typeof routePath>[0], status: number): string {
  const pattern = routePath(c);
  return status === 404 && pattern.endsWith('*') ? '(no route)' : pattern;
}

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
  /** Unexpected errors (500s) and database outages are reported here (Sentry when SENTRY_DSN is set). @default - not reported */
  readonly reportError?: ErrorReporter;
  /**
   * One structured line per request (request id, method, route, status, duration), already
   * redacted; the health checks of the engine (GET and HEAD /v1/health answered 200) are left out.
   * @default - none
   */
  readonly accessLog?: (line: string) => void;
  /** Counts a request answered 503 for overload (the overload metric). @default - not counted */
  readonly countOverload?: () => void;
  /** The `iss` of the tokens this API issues and accepts. @default 'drop-api' */
  readonly tokenIssuer?: string;
}

export function createApp(options: AppOptions) {
  // Every line passes through safeLine: one line, no control characters, no secrets.
  const sink = options.log ?? ((message: string) => console.error(message));
  const log = (message: string) => sink(safeLine(message));
  const app = new Hono<AppEnv>();

  // First, so every answer carries them, the origin check's 403 included.
  app.use('*', securityHeaders());
  // Health next, before every other middleware: its checks come from the engine and the edge
  // (every 10 s per instance), never from a browser, carry no body and no user, and need neither
  // CORS, a body limit, a request id nor an access line (a failing one logs its own line). Without
  // the edge's header (the engine's own check) it answers its status only.
  const originMatches = options.originVerifySecret ? originMatcher(options.originVerifySecret) : undefined;
  const withHealth = app.route(
    HEALTH_PATH,
    healthRoutes({
      ...options,
      startedAt: options.startedAt ?? Date.now(),
      timeoutMs: options.healthTimeoutMs,
      detailed: originMatches ? (c) => originMatches(c.req.header(ORIGIN_VERIFY_HEADER)) : () => true,
      log,
    }),
  );
  // The access log and the request id: one redacted JSON line per request.
  const accessLog = options.accessLog;
  app.use('*', async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const requestId = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    c.header(REQUEST_ID_HEADER, requestId);
    await next();
    const status = c.res.status;
    if (!accessLog) return;
    accessLog(
      safeLine(
        JSON.stringify({
          type: 'access',
          requestId,
          method: c.req.method,
          route: routeOf(c, status),
          status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        }),
      ),
    );
  });
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
  const tokens = { issuer: options.tokenIssuer ?? 'drop-api' };
  const routes = withHealth
    .route('/v1/auth', authRoutes({ ...options, ...tokens, log }))
    .route('/v1/transactions', transactionRoutes({ ...options, ...tokens }));

  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    const requestId = c.get('requestId');
    if (error instanceof HTTPException) {
      const response = withHeaders(error.getResponse());
      response.headers.set(REQUEST_ID_HEADER, requestId);
      return response;
    }
    // Load and outages are not bugs: 503 with Retry-After, never 500.
    const trouble = databaseTrouble(error);
    if (trouble === 'overloaded') {
      options.countOverload?.();
      log(`overloaded ${requestId} on ${c.req.method} ${c.req.path}: ${describeError(error)}`);
      c.header('Retry-After', String(RETRY_AFTER_SECONDS.overloaded));
      return c.json(errorBody('overloaded', 'The service is busy right now; retry in a moment'), 503);
    }
    // The client gets an opaque error; the details (and the stack) go to the log only.
    log(`error ${requestId} on ${c.req.method} ${c.req.path}: ${describeError(error)}`);
    options.reportError?.(error, c.req.raw);
    if (trouble === 'unavailable') {
      c.header('Retry-After', String(RETRY_AFTER_SECONDS.unavailable));
      return c.json(
        errorBody('database_unavailable', `The service cannot reach its database right now; retry in a moment (reference ${requestId})`),
        503,
      );
    }
    return c.json(errorBody('internal_error', `Something went wrong (reference ${requestId})`), 500);
  });
  return routes;
}

/** The API's routes, their inputs and answers: `hc<AppType>(url)` from `hono/client` calls it typed. */
export type AppType = ReturnType<typeof createApp>;
