/**
 * `/v1/auth/*`: BankID sign-in issuing a JWT, and the middleware that requires one.
 *
 * The flow follows BankID's order/collect shape: `POST /bankid/start` opens an order for a
 * national identity number, `POST /bankid/collect` asks for its outcome. With BANKID_MOCK=true the
 * order completes on the first collect (no app to confirm in). An order yields one token only.
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import { Hono, type MiddlewareHandler } from 'hono';
import { sign, verify } from 'hono/jwt';
import { z } from 'zod';
import type { Database } from './db/database.js';
import { authOrders, users } from './db/schema.js';
import { apiError, jsonBody, validate } from './http.js';
import { isValidNationalId } from './national-id.js';

export interface AuthOptions {
  readonly database: Database;
  readonly jwtSecret: string;
  readonly bankIdMock: boolean;
  /** @default 3600 */
  readonly tokenTtlSeconds?: number;
  /** @default 180 (BankID orders live three minutes) */
  readonly orderTtlSeconds?: number;
}

export interface SignedInUser {
  readonly id: string;
  readonly name: string;
}
export type AuthEnv = { Variables: { user: SignedInUser } };

const startBody = z.object({
  nationalId: z.string().refine(isValidNationalId, 'must be an 11-digit Norwegian national identity number with valid check digits'),
});
const collectBody = z.object({ orderRef: z.uuid('must be the orderRef returned by /v1/auth/bankid/start') });

/** The mock has no register to ask for a name; it makes a stable, non-identifying one. */
const mockName = (nationalId: string) => `Demo user ${nationalId.slice(-4)}`;

export function authRoutes(options: AuthOptions): Hono<AuthEnv> {
  const { database, jwtSecret } = options;
  const tokenTtl = options.tokenTtlSeconds ?? 3600;
  const orderTtl = options.orderTtlSeconds ?? 180;
  const app = new Hono<AuthEnv>();

  app.use('/bankid/*', async (_c, next) => {
    if (!options.bankIdMock) {
      throw apiError(501, 'bankid_live_unavailable', 'BankID live sign-in is not available in this build; set BANKID_MOCK=true outside production');
    }
    return next();
  });

  app.post('/bankid/start', async (c) => {
    const { nationalId } = validate(startBody, await jsonBody(c), 'BankID start request');
    const [order] = await database.run((db) =>
      db
        .insert(authOrders)
        .values({ nationalId, expiresAt: sql`now() + make_interval(secs => ${orderTtl})` })
        .returning({ id: authOrders.id, expiresAt: authOrders.expiresAt }),
    );
    return c.json({ orderRef: order.id, status: 'pending', expiresAt: order.expiresAt.toISOString() }, 201);
  });

  app.post('/bankid/collect', async (c) => {
    const { orderRef } = validate(collectBody, await jsonBody(c), 'BankID collect request');
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
    if (!user) throw apiError(404, 'order_not_found', 'No pending BankID order with this orderRef (unknown, expired or already collected)');
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ sub: user.id, name: user.name, iat: now, exp: now + tokenTtl }, jwtSecret, 'HS256');
    return c.json({ status: 'complete', token, expiresIn: tokenTtl, user });
  });

  app.get('/me', requireUser(jwtSecret), (c) => c.json({ user: c.get('user') }));
  return app;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireUser(jwtSecret: string): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    if (!match) throw apiError(401, 'unauthorized', 'Sign in first: send Authorization: Bearer <token>');
    let payload: Record<string, unknown>;
    try {
      payload = await verify(match[1], jwtSecret, 'HS256');
    } catch {
      throw apiError(401, 'unauthorized', 'The token is invalid or expired; sign in again');
    }
    // hono's verify checks `exp` only when present: a token without one would never expire.
    if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) throw apiError(401, 'unauthorized', 'The token has no expiry; sign in again');
    // `sub` goes into queries on uuid columns: anything but a UUID would fail there as a 500.
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub) || typeof payload.name !== 'string') {
      throw apiError(401, 'unauthorized', 'The token lacks a valid user; sign in again');
    }
    c.set('user', { id: payload.sub, name: payload.name });
    return next();
  };
}
