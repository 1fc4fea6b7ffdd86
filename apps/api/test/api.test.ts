/** The API in-process (`app.request()`), on the embedded database and on the real PostgreSQL. */
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { readMigrations } from '../src/db/migrate.js';
import { transactions } from '../src/db/schema.js';
import { NATIONAL_IDS, adminBackends, backends, json, openSignedIn, signIn, testApp } from './helpers.js';

describe.each(backends)('API on the $name database', (backend) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof testApp>;
  let token: string;
  let otherToken: string;

  beforeAll(async () => {
    ({ database, cleanup, app, token } = await openSignedIn(backend));
    otherToken = await signIn(app, NATIONAL_IDS[1]);
  });
  afterAll(() => cleanup());

  const auth = (t = token) => ({ authorization: `Bearer ${t}` });
  const create = (body: unknown, key: string | undefined, t = token) =>
    app.request('/v1/transactions', json(body, { ...auth(t), ...(key ? { 'idempotency-key': key } : {}) }));

  describe('health', () => {
    it('answers 200 with the required fields (docs/requirements.md, Health checks) when the database answers', async () => {
      const res = await app.request('/v1/health');
      expect(res.status).toBe(200);
      const body = await res.json();
      // `pool` is PostgreSQL's (the embedded database has none).
      expect(Object.keys(body).sort()).toEqual(
        ['db', 'dbLatencyMs', ...(backend.name === 'postgres' ? ['pool'] : []), 'status', 'timestamp', 'uptime', 'version'].sort(),
      );
      expect(body).toMatchObject({ status: 'ok', version: '0.1.0', db: 'connected' });
      if (backend.name === 'postgres') expect(body.pool).toEqual({ size: 10, inUse: expect.any(Number), waiting: 0, saturated: false });
      expect(Number.isInteger(body.dbLatencyMs) && Number.isInteger(body.uptime)).toBe(true);
      expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    });
  });

  describe('auth', () => {
    it('signs in with mocked BankID and returns the user for the token', async () => {
      const res = await app.request('/v1/auth/me', { headers: auth() });
      expect(res.status).toBe(200);
      expect((await res.json()).user.name).toBe(`Demo user ${NATIONAL_IDS[0].slice(-4)}`);
    });

    it('issues one token per order: a second collect is refused', async () => {
      const start = await app.request('/v1/auth/bankid/start', json({ nationalId: NATIONAL_IDS[2] }));
      expect(start.status).toBe(201);
      const { orderRef } = await start.json();
      const first = await app.request('/v1/auth/bankid/collect', json({ orderRef }));
      const second = await app.request('/v1/auth/bankid/collect', json({ orderRef }));
      expect([first.status, second.status]).toEqual([200, 404]);
      expect((await second.json()).error.code).toBe('order_not_found');
    });

    it('refuses a national identity number with wrong check digits', async () => {
      const res = await app.request('/v1/auth/bankid/start', json({ nationalId: '31129945617' }));
      expect(res.status).toBe(400);
      expect((await res.json()).error.issues[0]).toMatchObject({ path: 'nationalId' });
    });

    it('refuses requests without a valid token', async () => {
      expect((await app.request('/v1/transactions')).status).toBe(401);
      expect((await app.request('/v1/transactions', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
      const forged = `${token.slice(0, -3)}abc`;
      expect((await app.request('/v1/transactions', { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    });

    it('keeps live BankID routes closed in mock mode (live sign-in: bankid-oidc.test.ts)', async () => {
      expect(await (await app.request('/v1/auth/bankid')).json()).toEqual({ mode: 'mock' });
      const res = await app.request('/v1/auth/bankid/authorize', { method: 'POST' });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('bankid_live_disabled');
    });
  });

  describe('transactions', () => {
    it('creates a transaction in minor units and lists it for its owner only', async () => {
      const res = await create({ amountMinor: -12_345, currency: 'NOK', description: 'Groceries' }, 'list-1');
      expect(res.status).toBe(201);
      const { transaction } = await res.json();
      expect(transaction).toMatchObject({ amountMinor: -12_345, currency: 'NOK', description: 'Groceries' });

      const mine = await (await app.request('/v1/transactions', { headers: auth() })).json();
      expect(mine.transactions.map((t: { id: string }) => t.id)).toContain(transaction.id);
      const theirs = await (await app.request('/v1/transactions', { headers: auth(otherToken) })).json();
      expect(theirs.transactions.map((t: { id: string }) => t.id)).not.toContain(transaction.id);
    });

    it('books one transaction for concurrent retries with one Idempotency-Key', async () => {
      const body = { amountMinor: 50_000, currency: 'SEK', description: 'Concurrent retry' };
      const responses = await Promise.all(Array.from({ length: 25 }, () => create(body, 'retry-storm')));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(24).fill(200), 201]);
      const ids = new Set(await Promise.all(responses.map(async (r) => (await r.json()).transaction.id)));
      expect(ids.size).toBe(1);
      expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(24);
      const [{ n }] = await database.run((db) =>
        db.select({ n: count() }).from(transactions).where(eq(transactions.idempotencyKey, 'retry-storm')),
      );
      expect(n).toBe(1);
    });

    it('loses nothing when distinct requests arrive at once', async () => {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          create({ amountMinor: i + 1, currency: 'EUR', description: `parallel ${i}` }, `parallel-${i}`, otherToken),
        ),
      );
      expect(responses.every((r) => r.status === 201)).toBe(true);
      const list = await (await app.request('/v1/transactions?limit=100', { headers: auth(otherToken) })).json();
      const parallel = list.transactions.filter((t: { description: string }) => t.description.startsWith('parallel'));
      expect(parallel.map((t: { amountMinor: number }) => t.amountMinor).sort((a: number, b: number) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('keeps keys per user: the same key from two users books two transactions', async () => {
      const body = { amountMinor: 100, currency: 'DKK', description: 'Shared key' };
      const [a, b] = await Promise.all([create(body, 'same-key'), create(body, 'same-key', otherToken)]);
      expect([a.status, b.status]).toEqual([201, 201]);
    });

    it('refuses a reused key with a different request (422)', async () => {
      expect((await create({ amountMinor: 1_000, currency: 'NOK', description: 'First' }, 'reused')).status).toBe(201);
      const res = await create({ amountMinor: 2_000, currency: 'NOK', description: 'First' }, 'reused');
      expect(res.status).toBe(422);
      expect((await res.json()).error.code).toBe('idempotency_key_reused');
    });

    it.each([
      ['a decimal amount', { amountMinor: 12.5, currency: 'NOK', description: 'x' }, 'amountMinor'],
      ['a zero amount', { amountMinor: 0, currency: 'NOK', description: 'x' }, 'amountMinor'],
      ['an amount as a string', { amountMinor: '100', currency: 'NOK', description: 'x' }, 'amountMinor'],
      ['an amount beyond the limit', { amountMinor: 2e12, currency: 'NOK', description: 'x' }, 'amountMinor'],
      ['an unknown currency', { amountMinor: 100, currency: 'USD', description: 'x' }, 'currency'],
      ['an empty description', { amountMinor: 100, currency: 'NOK', description: '  ' }, 'description'],
      ['an unknown field', { amountMinor: 100, currency: 'NOK', description: 'x', userId: 'someone-else' }, '(root)'],
    ])('answers 400 naming the field for %s', async (_, body, field) => {
      const res = await create(body, `bad-${field}-${Math.random()}`);
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(error.code).toBe('invalid_request');
      expect(error.issues.map((i: { path: string }) => i.path)).toContain(field);
    });

    it('answers 400 without an Idempotency-Key, and books nothing', async () => {
      const res = await create({ amountMinor: 100, currency: 'NOK', description: 'No key' }, undefined);
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(/Idempotency-Key/);
      const list = await (await app.request('/v1/transactions', { headers: auth() })).json();
      expect(list.transactions.some((t: { description: string }) => t.description === 'No key')).toBe(false);
    });

    it('answers 400 for malformed JSON, 415 for another content type, 400 for a bad limit', async () => {
      const headers = { ...auth(), 'idempotency-key': 'malformed', 'content-type': 'application/json' };
      expect((await app.request('/v1/transactions', { method: 'POST', headers, body: '{"amountMinor":' })).status).toBe(400);
      expect(
        (await app.request('/v1/transactions', { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: '{}' }))
          .status,
      ).toBe(415);
      expect((await app.request('/v1/transactions?limit=1000', { headers: auth() })).status).toBe(400);
    });
  });

  describe('origin protection', () => {
    const secret = 'origin-secret-0123456789';
    it('refuses requests without the edge header (403 JSON) but lets the health check through', async () => {
      const guarded = testApp(database, { originVerifySecret: secret });
      const denied = await guarded.request('/v1/transactions', { headers: auth() });
      expect(denied.status).toBe(403);
      expect((await denied.json()).error.code).toBe('forbidden');
      expect((await guarded.request('/v1/auth/me', { headers: { ...auth(), 'x-origin-verify': 'wrong' } })).status).toBe(403);
      expect((await guarded.request('/v1/auth/me', { headers: { ...auth(), 'x-origin-verify': secret } })).status).toBe(200);
      expect((await guarded.request('/v1/health')).status).toBe(200);
      expect((await guarded.request('/v1/health', { method: 'POST' })).status).toBe(403);
    });
  });

  describe('when the database is gone', () => {
    it('answers 503 on health and an opaque 500 elsewhere, with no stack trace', async () => {
      // Last in this file: closes the database.
      await database.close();
      const health = await app.request('/v1/health');
      expect(health.status).toBe(503);
      expect(Object.keys(await health.json()).sort()).toEqual(['db', 'status', 'timestamp']);
      const res = await app.request('/v1/transactions', { headers: auth() });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text).error.code).toBe('internal_error');
      expect(text).not.toMatch(/at .*\.(ts|js):\d+|Error:/);
    });
  });
});

describe('migrations', () => {
  it.each(adminBackends)('are applied once and are a no-op on the next start ($name)', async (backend) => {
    const { database, cleanup } = await backend.open();
    try {
      expect(await database.migrate()).toEqual(['0001_init.sql', '0002_oidc_flows.sql', '0003_revoked_tokens.sql']);
      expect(await database.migrate()).toEqual([]);
    } finally {
      await cleanup();
    }
  });

  it.each(adminBackends)('refuse to start when an applied migration was edited ($name)', async (backend) => {
    const { database, cleanup } = await backend.open();
    try {
      const [original] = readMigrations();
      await database.migrate([original]);
      const edited = { ...original, sql: `${original.sql}\n-- edited`, checksum: 'edited' };
      await expect(database.migrate([edited])).rejects.toThrow(/0001_init.sql was changed after it was applied/);
    } finally {
      await cleanup();
    }
  });
});
