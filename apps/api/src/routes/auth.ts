/**
 * `/v1/auth/*`: BankID sign-in issuing a JWT, and the middleware that requires one.
 *
 * `GET /bankid` says which sign-in this instance runs: `{ mode: "live" | "mock" }`.
 *
 * Live (BANKID_MOCK=false): OpenID Connect against BANKID_ISSUER (see bankid-oidc.ts).
 * `POST /bankid/authorize` opens a flow (state, nonce, PKCE verifier kept here) and answers the
 * issuer URL to send the browser to and the flow's id, which the web app keeps in an HttpOnly
 * cookie. The issuer sends the browser back to the web app's `/api/auth/bankid/callback`, which
 * hands the flow id and the query parameters to `POST /bankid/callback`: the flow is consumed
 * (single use), the code exchanged and the ID token verified, and a token is issued.
 *
 * Mock (development only; refused in a deployed instance): BankID's order/collect shape.
 * `POST /bankid/start` opens an order for a national identity number, `POST /bankid/collect`
 * completes it on the first call (no app to confirm in). An order yields one token only.
 *
 * Sessions: a token is an HS256 JWT with `iss` (this API), `aud` (the web app), a unique `jti`,
 * `iat` and `exp` (one hour). `POST /sign-out` revokes it server-side: its `jti` is kept in
 * `revoked_tokens` until it would have expired, and `requireUser` refuses it from then on. A
 * token issued in the future (beyond a minute of clock skew) is refused.
 *
 * Clients see error codes and fixed messages; what BankID or openid-client said goes to the log.
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import { zValidator } from '@hono/zod-validator';
import { Hono, type MiddlewareHandler } from 'hono';
import { sign, verify } from 'hono/jwt';
import { z } from 'zod';
import { BankIdError, type BankIdOidc } from '../bankid-oidc.js';
import type { Database } from '../db/database.js';
import { OIDC_CALLBACK_PARAMS } from '@drop/shared/headers';
import { authOrders, oidcFlows, revokedTokens, users } from '../db/schema.js';
import { apiError, invalid, jsonOnly } from '../http.js';
import { isValidNationalId } from '../national-id.js';

/** Whom the tokens are for: the web app, the API's only client. */
export const TOKEN_AUDIENCE = 'drop-web';
/** How far in the future a token's `iat` may be (another instance's clock running ahead). */
export const CLOCK_SKEW_SECONDS = 60;

export interface TokenOptions {
  readonly database: Database;
  readonly jwtSecret: string;
  /** The tokens' `iss`. */
  readonly issuer: string;
}

export interface AuthOptions extends TokenOptions {
  readonly bankIdMock: boolean;
  /** @default 3600 */
  readonly tokenTtlSeconds?: number;
  /** @default 180 (BankID orders live three minutes) */
  readonly orderTtlSeconds?: number;
  /** The OpenID Connect client for live sign-in; required when bankIdMock is false. */
  readonly bankId?: BankIdOidc;
  /** @default 600 (a live sign-in must come back within ten minutes) */
  readonly flowTtlSeconds?: number;
  readonly log?: (message: string) => void;
}

export interface SignedInUser {
  readonly id: string;
  readonly name: string;
}

const startBody = z.object({
  nationalId: z.string().refine(isValidNationalId, 'must be an 11-digit Norwegian national identity number with valid check digits'),
});
const collectBody = z.object({ orderRef: z.uuid('must be the orderRef returned by /v1/auth/bankid/start') });
const callbackBody = z.strictObject({
  flowId: z.uuid("must be the flowId returned by /v1/auth/bankid/authorize (kept in the browser's sign-in cookie)"),
  /** The query parameters the issuer sent the browser back with (code, state, iss; or error). */
  params: z.partialRecord(z.enum(OIDC_CALLBACK_PARAMS), z.string().max(4096)),
});

/** The mock has no register to ask for a name; it makes a stable, non-identifying one. */
const mockName = (nationalId: string) => `Demo user ${nationalId.slice(-4)}`;

/** Chained, so the routes' inputs and answers are part of the app's type (`AppType`, for `hc`). */
export function authRoutes(options: AuthOptions) {
  const { database, jwtSecret } = options;
  const tokenTtl = options.tokenTtlSeconds ?? 3600;
  const orderTtl = options.orderTtlSeconds ?? 180;
  const log = options.log ?? (() => undefined);
  const flowTtl = options.flowTtlSeconds ?? 600;
  if (!options.bankIdMock && !options.bankId)
    throw new Error('authRoutes: live BankID (bankIdMock false) needs the bankId OpenID Connect client');
  const mockOnly = async (_c: unknown, next: () => Promise<void>) => {
    if (!options.bankIdMock)
      throw apiError(404, 'bankid_mock_disabled', 'Mock BankID is off here: sign in with POST /v1/auth/bankid/authorize');
    return next();
  };
  const liveOnly = async (_c: unknown, next: () => Promise<void>) => {
    if (options.bankIdMock)
      throw apiError(404, 'bankid_live_disabled', 'This instance runs mock BankID (development): use POST /v1/auth/bankid/start');
    return next();
  };
  const issueToken = async (user: SignedInUser) => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: options.issuer,
      aud: TOKEN_AUDIENCE,
      jti: crypto.randomUUID(),
      sub: user.id,
      name: user.name,
      iat: now,
      exp: now + tokenTtl,
    };
    const token = await sign(claims, jwtSecret, 'HS256');
    return { status: 'complete' as const, token, expiresIn: tokenTtl, user };
  };
  const signedIn = requireUser(options);

  return (
    new Hono<AuthEnv>()
      .get('/bankid', (c) => c.json({ mode: options.bankIdMock ? ('mock' as const) : ('live' as const) }))
      .post('/bankid/authorize', liveOnly, async (c) => {
        const request = await options.bankId!.authorizationRequest().catch(bankIdFailure(log));
        const [flow] = await database.run((db) =>
          db
            .insert(oidcFlows)
            .values({
              state: request.state,
              nonce: request.nonce,
              codeVerifier: request.codeVerifier,
              expiresAt: sql`now() + make_interval(secs => ${flowTtl})`,
            })
            .returning({ id: oidcFlows.id, expiresAt: oidcFlows.expiresAt }),
        );
        return c.json({ flowId: flow.id, authorizationUrl: request.url, expiresAt: flow.expiresAt.toISOString() }, 201);
      })
      .post('/bankid/callback', liveOnly, jsonOnly, zValidator('json', callbackBody, invalid('BankID callback')), async (c) => {
        const { flowId, params } = c.req.valid('json');
        // Consumed before the exchange: a replayed callback finds nothing, even if the first one fails.
        const [flow] = await database.run((db) =>
          db
            .delete(oidcFlows)
            .where(and(eq(oidcFlows.id, flowId), gt(oidcFlows.expiresAt, sql`now()`)))
            .returning({ state: oidcFlows.state, nonce: oidcFlows.nonce, codeVerifier: oidcFlows.codeVerifier }),
        );
        if (!flow)
          throw apiError(
            400,
            'sign_in_expired',
            'No BankID sign-in in progress for this browser (unknown, expired or already used); start again',
          );
        const identity = await options
          .bankId!.complete(new URLSearchParams(params as Record<string, string>), flow)
          .catch(bankIdFailure(log));
        if (!isValidNationalId(identity.nationalId)) {
          log('bankid: the national identity number claim is not an 11-digit number with valid check digits');
          throw apiError(502, 'bankid_claim_invalid', 'BankID returned no valid national identity number');
        }
        const [user] = await database.run((db) =>
          db
            .insert(users)
            .values({ nationalId: identity.nationalId, name: identity.name ?? 'BankID user' })
            .onConflictDoUpdate({ target: users.nationalId, set: { name: sql`excluded.name` } })
            .returning({ id: users.id, name: users.name }),
        );
        return c.json(await issueToken(user));
      })
      .post('/bankid/start', mockOnly, jsonOnly, zValidator('json', startBody, invalid('BankID start request')), async (c) => {
        const { nationalId } = c.req.valid('json');
        const [order] = await database.run((db) =>
          db
            .insert(authOrders)
            .values({ nationalId, expiresAt: sql`now() + make_interval(secs => ${orderTtl})` })
            .returning({ id: authOrders.id, expiresAt: authOrders.expiresAt }),
        );
        return c.json({ orderRef: order.id, status: 'pending', expiresAt: order.expiresAt.toISOString() }, 201);
      })
      .post('/bankid/collect', mockOnly, jsonOnly, zValidator('json', collectBody, invalid('BankID collect request')), async (c) => {
        const { orderRef } = c.req.valid('json');
        const user = await database.run((db) =>
          db.transaction(async (tx) => {
            // Completing the order and reading it happen in one statement, so two collects of the same
            // order cannot both succeed.
            const [order] = await tx
              .update(authOrders)
              .set({ status: 'complete' })
              .where(and(eq(authOrders.id, orderRef), eq(authOrders.status, 'pending'), gt(authOrders.expiresAt, sql`now()`)))
              .returning({ nationalId: authOrders.nationalId });
            if (!order) return undefined;
            const [row] = await tx
              .insert(users)
              .values({ nationalId: order.nationalId, name: mockName(order.nationalId) })
              .onConflictDoUpdate({ target: users.nationalId, set: { nationalId: sql`excluded.national_id` } })
              .returning({ id: users.id, name: users.name });
            return row;
          }),
        );
        if (!user)
          throw apiError(404, 'order_not_found', 'No pending BankID order with this orderRef (unknown, expired or already collected)');
        return c.json(await issueToken(user));
      })
      .get('/me', signedIn, (c) => c.json({ user: c.get('user') }))
      // Revokes the token it is called with: it stays refused until it would have expired.
      .post('/sign-out', signedIn, async (c) => {
        const { tokenId, expiresAt } = c.get('session');
        await database.run((db) =>
          db
            .insert(revokedTokens)
            .values({ jti: tokenId, expiresAt: new Date(expiresAt * 1000) })
            .onConflictDoNothing(),
        );
        return c.json({ status: 'signed_out' as const });
      })
  );
}

/** Maps a sign-in failure to its answer; the reason goes to the log and, without any token, to the client. */
function bankIdFailure(log: (message: string) => void) {
  return (error: unknown): never => {
    if (!(error instanceof BankIdError)) throw error;
    log(`bankid: sign-in failed (${error.kind}): ${error.message}`);
    switch (error.kind) {
      case 'unavailable':
        throw apiError(503, 'bankid_unavailable', 'BankID cannot be reached right now; try again in a minute');
      case 'cancelled':
        throw apiError(401, 'bankid_cancelled', 'BankID sign-in was not completed; start again');
      case 'claim_missing':
        throw apiError(502, 'bankid_claim_missing', 'BankID did not return the national identity number; contact support');
      default:
        throw apiError(401, 'bankid_rejected', 'BankID sign-in was refused; start again');
    }
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type AuthEnv = { Variables: { user: SignedInUser; session: { tokenId: string; expiresAt: number } } };

/**
 * A valid session token: signature, `iss`, `aud`, `exp`, an `iat` not in the future (beyond the
 * clock skew), a `jti`, a user id, and not signed out. Each refusal is a 401 saying to sign in again.
 */
export function requireUser(options: TokenOptions): MiddlewareHandler<AuthEnv> {
  const refuse = (message: string) => apiError(401, 'unauthorized', message);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    if (!match) throw refuse('Sign in first: send Authorization: Bearer <token>');
    let payload: Record<string, unknown>;
    try {
      // iat is checked below, with the clock skew hono's own check does not allow.
      payload = await verify(match[1], options.jwtSecret, { alg: 'HS256', iss: options.issuer, aud: TOKEN_AUDIENCE, iat: false });
    } catch {
      throw refuse('The token is invalid or expired; sign in again');
    }
    const now = Math.floor(Date.now() / 1000);
    // hono's verify checks `exp` only when present: a token without one would never expire.
    if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) throw refuse('The token has no expiry; sign in again');
    if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) throw refuse('The token has no issue time; sign in again');
    if (payload.iat > now + CLOCK_SKEW_SECONDS) throw refuse('The token was issued in the future; sign in again');
    if (typeof payload.jti !== 'string' || !UUID.test(payload.jti)) throw refuse('The token has no id; sign in again');
    // `sub` goes into queries on uuid columns: anything but a UUID would fail there as a 500.
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub) || typeof payload.name !== 'string') {
      throw refuse('The token lacks a valid user; sign in again');
    }
    const jti = payload.jti;
    const [revoked] = await options.database.run((db) =>
      db.select({ jti: revokedTokens.jti }).from(revokedTokens).where(eq(revokedTokens.jti, jti)).limit(1),
    );
    if (revoked) throw refuse('This session was signed out; sign in again');
    c.set('user', { id: payload.sub, name: payload.name });
    c.set('session', { tokenId: jti, expiresAt: payload.exp });
    return next();
  };
}
