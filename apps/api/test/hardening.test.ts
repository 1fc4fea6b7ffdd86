/**
 * Issue 18's hardening, as reproduced: origin-secret rotation and HEAD on health, bad input that
 * used to be a 500 or eternal, and log lines that leaked parameters or could be forged.
 */
import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankIdError, type BankIdOidc } from '../src/bankid-oidc.js';
import { loadConfig } from '../src/config.js';
import { perLoopTurn, type Database } from '../src/db/database.js';
import { openPostgresDatabase } from '../src/db/postgres.js';
import { describeError, redactText, safeLine } from '../src/log.js';
import { JWT_SECRET, NATIONAL_IDS, adminQuery, backends, createPgDatabase, embeddedOnly, json, openSignedIn, testApp } from './helpers.js';
import { problems, production } from './production-config.js';

describe('configuration refused at start', () => {
  it('requires ORIGIN_VERIFY_SECRET in production', () => {
    expect(problems({ ...production, ORIGIN_VERIFY_SECRET: undefined })).toEqual([
      'ORIGIN_VERIFY_SECRET: is required in a deployed instance (NODE_ENV=production, DROP_ENV=production, DROP_TIER=production) (only the edge may reach the service) (found: not set)',
    ]);
    expect(
      problems({
        ...production,
        NODE_ENV: 'development',
        DROP_ENV: undefined,
        DROP_TIER: undefined,
        ORIGIN_VERIFY_SECRET: undefined,
        DATABASE_URL: undefined,
      }),
    ).toEqual([]);
  });

  it('accepts "current,previous" and refuses a short value or a third one, without echoing them', () => {
    expect(loadConfig({ ...production, ORIGIN_VERIFY_SECRET: 'new-origin-secret-0123,old-origin-secret-0123' }).originVerifySecret).toBe(
      'new-origin-secret-0123,old-origin-secret-0123',
    );
    expect(problems({ ...production, ORIGIN_VERIFY_SECRET: 'new-origin-secret-0123,short' })).toEqual([
      'ORIGIN_VERIFY_SECRET: must be "current" or "current,previous", each value at least 16 characters (found: a 22-character value, a 5-character value)',
    ]);
    expect(
      problems({ ...production, ORIGIN_VERIFY_SECRET: 'a-origin-secret-01234,b-origin-secret-01234,c-origin-secret-01234' })[0],
    ).toMatch(
      /^ORIGIN_VERIFY_SECRET: must be "current" or "current,previous".*\(found: a 21-character value, a 21-character value, a 21-character value\)$/,
    );
  });

  it('refuses sslmode=disable (and any TLS parameter) in a production DATABASE_URL', () => {
    expect(problems({ ...production, DATABASE_URL: `${production.DATABASE_URL}?sslmode=disable` })).toEqual([
      'DATABASE_URL: must not carry sslmode, ssl, sslrootcert, sslcert, sslkey, sslnegotiation, uselibpqcompat in a deployed instance (NODE_ENV=production, DROP_ENV=production, DROP_TIER=production): TLS with certificate verification against DATABASE_CA_FILE is always on (found: sslmode=disable)',
    ]);
    expect(problems({ ...production, DATABASE_URL: `${production.DATABASE_URL}?application_name=api&ssl=0` })).toHaveLength(1);
    expect(
      problems({
        ...production,
        NODE_ENV: 'test',
        DROP_ENV: undefined,
        DROP_TIER: undefined,
        DATABASE_URL: `${production.DATABASE_URL}?sslmode=disable`,
      }),
    ).toEqual([]);
  });

  it('never echoes the password of a database URL it refuses', () => {
    const [problem] = problems({ ...production, DATABASE_URL: 'mysql://drop:hunter2-password@db:3306/drop' });
    expect(problem).toBe('DATABASE_URL: must be a URL with scheme postgres or postgresql (found: "mysql://drop:[Filtered]@db:3306/drop")');
  });

  it('reads APP_VERSION and DATABASE_QUERY_TIMEOUT_MS, refusing bad values', () => {
    expect(loadConfig({ APP_VERSION: 'v1.4.2-rc.1', DATABASE_QUERY_TIMEOUT_MS: '2500' })).toMatchObject({
      appVersion: 'v1.4.2-rc.1',
      queryTimeoutMs: 2500,
    });
    expect(loadConfig({}).queryTimeoutMs).toBe(5000);
    expect(problems({ APP_VERSION: 'v1 beta', DATABASE_QUERY_TIMEOUT_MS: '0' })).toEqual([
      'DATABASE_QUERY_TIMEOUT_MS: must be an integer from 100 to 600000 (milliseconds) (found: "0")',
      'APP_VERSION: must be an image tag: 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-" (found: "v1 beta")',
    ]);
  });
});

describe('log lines', () => {
  it('escape control characters, so a newline cannot start a forged line', () => {
    expect(safeLine('description: ok\n[api] error forged\r\u0000\u001b[31m')).toBe(
      'description: ok\\u000a[api] error forged\\u000d\\u0000\\u001b[31m',
    );
  });

  it('mask national identity numbers, tokens and database passwords', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(redactText(`user 31129945616 sent Bearer ${jwt} via postgres://drop:s3cret@db:5432/drop and ${jwt}`)).toBe(
      'user [national-id] sent Bearer [Filtered] via postgres://drop:[Filtered]@db:5432/drop and [jwt]',
    );
  });

  it('describe a database error by its code and message and statement, never its parameters', () => {
    const cause = Object.assign(new Error('invalid input syntax for type uuid: "x"'), { name: 'error', code: '22P02' });
    const error = Object.assign(new Error('Failed query: select 1 where id = $1\nparams: 31129945616,secret-param'), {
      query: 'select 1 where id = $1',
      params: ['31129945616', 'secret-param'],
      cause,
    });
    const line = describeError(error);
    expect(line).toMatch(
      /^Error: Failed query: select 1 where id = \$1 \/ caused by error \[22P02\]: invalid input syntax for type uuid: "x" \(at /,
    );
    expect(line).not.toContain('secret-param');
    expect(line).not.toContain('\n');
  });
});

describe.each(backends)('API hardening on the $name database', (backend) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let admin: (sql: string) => Promise<void>;
  let app: ReturnType<typeof testApp>;
  let token: string;
  const lines: string[] = [];

  beforeAll(async () => {
    ({ database, cleanup, admin, app, token } = await openSignedIn(backend, { log: (line) => lines.push(line) }));
  });
  afterAll(() => cleanup());
  const auth = (t = token) => ({ authorization: `Bearer ${t}` });

  describe('origin protection', () => {
    const current = 'origin-secret-current-0123';
    const previous = 'origin-secret-previous-0123';

    it('accepts the current and the previous secret while they rotate, nothing else', async () => {
      const guarded = testApp(database, { originVerifySecret: `${current},${previous}` });
      const me = (secret?: string) =>
        guarded.request('/v1/auth/me', { headers: { ...auth(), ...(secret ? { 'x-origin-verify': secret } : {}) } });
      expect((await me(current)).status).toBe(200);
      expect((await me(previous)).status).toBe(200);
      expect((await me(`${current},${previous}`)).status).toBe(403);
      expect((await me('origin-secret-other-0123')).status).toBe(403);
      expect((await me()).status).toBe(403);
    });

    it('answers HEAD on the health path like GET: status and headers, no body', async () => {
      const guarded = testApp(database, { originVerifySecret: current });
      const get = await guarded.request('/v1/health');
      const head = await guarded.request('/v1/health', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(head.headers.get('cache-control')).toBe('no-store');
      expect(await head.text()).toBe('');
      expect((await guarded.request('/v1/auth/me', { method: 'HEAD', headers: auth() })).status).toBe(403);
    });
  });

  describe('bad input', () => {
    it('refuses a NUL byte (or any control character) in a description with 400, naming it', async () => {
      for (const [description, found] of [
        ['Coffee\u0000', 'U+0000 at position 7'],
        ['Coffee\n[api] error forged', 'U+000A at position 7'],
      ]) {
        const res = await app.request(
          '/v1/transactions',
          json({ amountMinor: -100, currency: 'NOK', description }, { ...auth(), 'idempotency-key': `ctl-${found.slice(2, 6)}` }),
        );
        expect(res.status).toBe(400);
        const body = await res.json();
        expect(body.error.issues).toEqual([
          { path: 'description', message: `must not contain control characters (found ${found}); use printable text` },
        ]);
      }
    });

    it('refuses bidirectional controls and zero-width characters in a description with 400, naming them', async () => {
      // The pen-test's "Refund \u202e00.001 KON" shows as "Refund NOK 100.00".
      for (const [description, found] of [
        ['Refund \u202e00.001 KON', 'U+202E at position 8'],
        ['Rent\u200b', 'U+200B at position 5'],
        ['a\u2066b\u2069', 'U+2066 at position 2'],
        ['Pay\u200dme', 'U+200D at position 4'],
      ]) {
        const res = await app.request(
          '/v1/transactions',
          json({ amountMinor: -100, currency: 'NOK', description }, { ...auth(), 'idempotency-key': `bidi-${found.slice(2, 6)}` }),
        );
        expect(res.status).toBe(400);
        expect((await res.json()).error.issues).toEqual([
          { path: 'description', message: `must not contain bidirectional or invisible characters (found ${found}); use printable text` },
        ]);
      }
      // Letters of every script stay allowed.
      const ok = await app.request(
        '/v1/transactions',
        json(
          { amountMinor: -100, currency: 'NOK', description: 'Kaffe på Bakeriet, 咖啡, قهوة' },
          { ...auth(), 'idempotency-key': 'bidi-ok' },
        ),
      );
      expect(ok.status).toBe(201);
    });

    it('answers 401 for a token without exp, and for a sub that is not a user id', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = () => ({ iss: 'drop-api', aud: 'drop-web', jti: crypto.randomUUID() });
      const me = async (payload: Record<string, unknown>) => {
        const res = await app.request('/v1/transactions', { headers: auth(await sign(payload, JWT_SECRET, 'HS256')) });
        return { status: res.status, message: (await res.json()).error?.message };
      };
      const valid = (await (await app.request('/v1/auth/me', { headers: auth() })).json()).user;
      expect(await me({ ...claims(), sub: valid.id, name: valid.name, iat: now })).toEqual({
        status: 401,
        message: 'The token has no expiry; sign in again',
      });
      for (const sub of ['not-a-uuid', 42, "' OR 1=1 --", '']) {
        expect(await me({ ...claims(), sub, name: valid.name, iat: now, exp: now + 60 })).toEqual({
          status: 401,
          message: 'The token lacks a valid user; sign in again',
        });
      }
      expect(await me({ ...claims(), sub: valid.id, name: valid.name, iat: now, exp: now + 60 })).toEqual({
        status: 200,
        message: undefined,
      });
    });
  });

  describe('a BankID failure', () => {
    it('is logged through safeLine like every other line: one line, no national ID', async () => {
      // GIVEN live BankID whose issuer answers with a message that holds a line break and a national ID
      const failing = {
        authorizationRequest: () => Promise.reject(new BankIdError('unavailable', `issuer said:\nforged line for ${NATIONAL_IDS[2]}`)),
      } as unknown as BankIdOidc;
      const logged: string[] = [];
      const live = testApp(database, { bankIdMock: false, bankId: failing, log: (line) => logged.push(line) });
      // WHEN a sign-in starts
      const res = await live.request('/v1/auth/bankid/authorize', { method: 'POST' });
      // THEN the client gets 503 and the log line is one line without the ID
      expect(res.status).toBe(503);
      expect(logged).toEqual(['bankid: sign-in failed (unavailable): issuer said:\\u000aforged line for [national-id]']);
    });
  });

  describe('a database error', () => {
    it('is logged with its cause (code and message), without the parameters or the national ID, on one line', async () => {
      // GIVEN the database refuses every new order (a check constraint stands in for any failure)
      await admin('ALTER TABLE auth_orders ADD CONSTRAINT refuse_all CHECK (false) NOT VALID');
      try {
        lines.length = 0;
        // WHEN an order with a national ID is started
        const res = await app.request('/v1/auth/bankid/start', json({ nationalId: NATIONAL_IDS[1] }));
        // THEN the client gets an opaque 500 and the log names the cause, not the parameters
        expect(res.status).toBe(500);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^error [0-9a-f-]{36} on POST \/v1\/auth\/bankid\/start: Error: Failed query: insert into "auth_orders"/);
        expect(lines[0]).toMatch(/caused by \w+ \[23514\]: new row for relation "auth_orders" violates check constraint "refuse_all"/);
        expect(lines[0]).not.toContain(NATIONAL_IDS[1]);
        expect(lines[0]).not.toContain('params');
        expect(lines[0]).not.toContain('\n');
      } finally {
        await admin('ALTER TABLE auth_orders DROP CONSTRAINT refuse_all');
      }
    });
  });
});

describe('the health check stays honest while fast', () => {
  it('shares one query between calls of one loop turn, and never answers a call with a query started before it', async () => {
    let runs = 0;
    const started: number[] = [];
    const ping = perLoopTurn(async () => {
      started.push(performance.now());
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const calledAt = performance.now();
    await Promise.all([ping(), ping(), ping()]);
    expect(runs).toBe(1);
    expect(started[0]).toBeGreaterThanOrEqual(calledAt);
    // a call while a run is in flight starts a new run: it does not join the one already sent
    const first = ping();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const lateAt = performance.now();
    await Promise.all([first, ping()]);
    expect(runs).toBe(3);
    expect(started[2]).toBeGreaterThanOrEqual(lateAt);
  });

  it.skipIf(embeddedOnly)(
    'answers 503 within its budget when the server behind the health connection freezes, 200 again when it thaws',
    async () => {
      const db = await createPgDatabase();
      const database = await openPostgresDatabase({ url: db.url });
      const app = testApp(database);
      const pids: number[] = [];
      try {
        expect((await app.request('/v1/health')).status).toBe(200);
        // GIVEN every backend of this database frozen (the health connection's among them)
        pids.push(
          ...(await adminQuery<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db.name])).map((r) => r.pid),
        );
        pids.forEach((pid) => process.kill(pid, 'SIGSTOP'));
        // WHEN health is asked, THEN 503 within the 2 s budget: the answer is not cached
        const began = performance.now();
        const frozen = await app.request('/v1/health');
        expect(frozen.status).toBe(503);
        expect(performance.now() - began).toBeLessThan(2500);
        // WHEN the server thaws, THEN health answers 200 again
        pids.splice(0).forEach((pid) => process.kill(pid, 'SIGCONT'));
        let status = 0;
        for (let i = 0; i < 20 && status !== 200; i++) {
          status = (await app.request('/v1/health')).status;
          if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect(status).toBe(200);
      } finally {
        pids.forEach((pid) => process.kill(pid, 'SIGCONT'));
        await database.close();
        await db.drop();
      }
    },
  );
});
