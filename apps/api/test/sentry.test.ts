/**
 * Error reports: a real error from the API goes through @sentry/node to a local endpoint standing
 * in for the DSN; the envelope carries release, environment and the exception, and nothing of the
 * national id, the token, the cookie or the Authorization header. The pen-test's database outage
 * is reproduced on the test run's PostgreSQL: the statement in flight is ended by the server
 * (`pg_terminate_backend`, what a fast shutdown does to every backend: SQLSTATE 57P01), while a
 * transaction with a name and a national id, or a BankID flow's state, nonce and PKCE verifier,
 * is being written.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankIdOidc, type AuthorizationRequest } from '../src/bankid-oidc.js';
import { DEFAULT_BANKID_ID_CLAIM, DEFAULT_BANKID_SCOPE } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { openPostgresDatabase } from '../src/db/postgres.js';
import { scrub } from '@drop/shared/redact';
import { flushSentry, initSentry, type ErrorReporter } from '../src/sentry.js';
import { adminQuery, createRuntimeDatabase, embedded, embeddedOnly, json, NATIONAL_IDS, signIn, testApp } from './helpers.js';
import { CLIENT_ID, CLIENT_SECRET, startProvider, type TestProvider } from './oidc/harness.js';
import { type Envelope, startSentrySink, type SentrySink } from './sentry-sink.js';

interface SentEvent {
  release: string;
  environment: string;
  exception: { values: { type: string; value: string }[] };
  request: { headers: Record<string, string>; query_string: string; url: string };
}
const eventOf = (envelope: Envelope) => envelope.items.find((i) => i.header.type === 'event')!.payload as unknown as SentEvent;

// Sentry is initialised once per process: every test reports through this one.
let reporter: ErrorReporter | undefined;
const report = (dsn: string) => (reporter ??= initSentry({ dsn, release: 'v2.3.4', environment: 'staging' }));

describe('error reports (Sentry)', () => {
  let sink: SentrySink;
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    sink = await startSentrySink();
    ({ database, cleanup } = await embedded.open());
    await database.migrate();
  });
  afterAll(async () => {
    await sink.close();
    await cleanup();
  });

  it('sends an unexpected error with release and environment, scrubbed of personal data and credentials', async () => {
    // GIVEN an API reporting to the local endpoint, and a signed-in user
    const app = testApp(database, { reportError: report(sink.dsn) });
    const nationalId = NATIONAL_IDS[1];
    let token = '';
    app.get('/v1/boom', () => {
      throw new Error(`lookup failed for ${nationalId} (token ${token})`);
    });
    token = await signIn(app, NATIONAL_IDS[0]);
    // (made at run time: the report's context lines quote this file's source)
    const [csrf, edgeSecret, code] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    // WHEN a request fails with an unexpected error
    const res = await app.request(`/v1/boom?nationalId=${nationalId}&code=${code}&limit=5`, {
      headers: {
        authorization: `Bearer ${token}`,
        cookie: `drop_session=${token}; drop_csrf=${csrf}`,
        'x-origin-verify': edgeSecret,
        'user-agent': 'vitest',
      },
    });
    expect(res.status).toBe(500);
    await flushSentry();
    // THEN the envelope names the release, environment and exception
    const envelope = await sink.next('event');
    const event = eventOf(envelope);
    expect(event).toMatchObject({ release: 'v2.3.4', environment: 'staging' });
    expect(event.exception.values[0]).toMatchObject({ type: 'Error', value: 'lookup failed for [national-id] (token [jwt])' });
    expect(event.request.headers).toMatchObject({ authorization: '[Filtered]', 'x-origin-verify': '[Filtered]', 'user-agent': 'vitest' });
    expect(event.request.headers.cookie ?? '[Filtered]').toBe('[Filtered]');
    expect(event.request.query_string).toContain('limit=5');
    // and nothing sensitive anywhere in what was sent
    for (const secret of [nationalId, NATIONAL_IDS[0], token, token.split('.')[1], csrf, edgeSecret, code]) {
      expect(envelope.raw).not.toContain(secret);
    }
  });

  it('scrubs with the same rules in the web app: its Sentry uses this module, not a copy', () => {
    const web = (file: string) => path.join(import.meta.dirname, '..', '..', 'web', file);
    expect(readFileSync(web('instrumentation.ts'), 'utf8')).toContain("import('@drop/shared/redact')");
    expect(existsSync(web('lib/scrub.ts'))).toBe(false);
    expect(existsSync(path.join(import.meta.dirname, '..', 'src', 'scrub.ts'))).toBe(false);
  });

  it('scrubs breadcrumbs and header pairs as well', () => {
    expect(
      scrub({
        breadcrumbs: [
          { message: `GET /v1/users/150585 34541?state=abc`, data: { Authorization: 'Basic dXNlcjpwYXNz', url: '/cb?code=xyz&iss=a' } },
        ],
        headers: [
          ['Cookie', 'a=b'],
          ['Accept', 'text/html'],
        ],
      }),
    ).toEqual({
      breadcrumbs: [
        {
          message: 'GET /v1/users/[national-id]?state=[Filtered]',
          data: { Authorization: '[Filtered]', url: '/cb?code=[Filtered]&iss=a' },
        },
      ],
      headers: [
        ['Cookie', '[Filtered]'],
        ['Accept', 'text/html'],
      ],
    });
  });

  describe.skipIf(embeddedOnly)('a database outage in the middle of a write', () => {
    const REDIRECT_URI = 'http://127.0.0.1:3000/api/auth/bankid/callback';
    let db: Awaited<ReturnType<typeof createRuntimeDatabase>>;
    let runtime: Database;
    let provider: TestProvider;
    const lines: string[] = [];
    beforeAll(async () => {
      db = await createRuntimeDatabase();
      runtime = await openPostgresDatabase({ url: db.url });
      provider = await startProvider({ redirectUri: REDIRECT_URI });
    });
    afterAll(async () => {
      await provider?.stop();
      await runtime?.close();
      await db?.drop();
    });

    /**
     * Runs `request` while `table` is locked by an administrator; once the API's statement waits on
     * the lock, the server ends it as a shutdown would (57P01). Resolves with the response.
     */
    async function outageDuring(table: string, request: () => Promise<Response>): Promise<Response> {
      const admin = new pg.Client(db.adminUrl);
      await admin.connect();
      try {
        await admin.query('BEGIN');
        await admin.query(`LOCK TABLE ${table} IN SHARE MODE`);
        const pending = request();
        let pid: number | undefined;
        for (let i = 0; i < 200 && pid === undefined; i++) {
          const [waiting] = await adminQuery<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query ILIKE $2",
            [db.name, `insert into "${table}"%`],
          );
          pid = waiting?.pid;
          if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(pid, 'the API statement waiting on the lock').toBeDefined();
        await adminQuery('SELECT pg_terminate_backend($1)', [pid]);
        return await pending;
      } finally {
        await admin.query('ROLLBACK').catch(() => undefined);
        await admin.end();
      }
    }

    /** Every form the national id could be written in, and the pieces of personal data. */
    const personal = (nationalId: string) => [
      nationalId,
      `${nationalId.slice(0, 6)} ${nationalId.slice(6)}`,
      `${nationalId.slice(0, 6)}-${nationalId.slice(6)}`,
      'Ola Nordmann',
      'Nordmann',
      'Husleie',
    ];

    it('reports POST /v1/transactions with no description, name or national id, and answers 503 to retry', async () => {
      // GIVEN a signed-in user booking rent with a name and a national id (written 6+5) in the description
      const app = testApp(runtime, { reportError: report(sink.dsn), log: (line) => lines.push(line) });
      const token = await signIn(app, NATIONAL_IDS[1]);
      const nationalId = NATIONAL_IDS[2];
      const description = `Husleie til Ola Nordmann ${nationalId.slice(0, 6)} ${nationalId.slice(6)}`;
      sink.envelopes.length = 0;
      // WHEN PostgreSQL goes away while the transaction is being written
      const res = await outageDuring('transactions', () =>
        Promise.resolve(
          app.request(
            '/v1/transactions',
            json(
              { amountMinor: -1_450_000, currency: 'NOK', description },
              { authorization: `Bearer ${token}`, 'idempotency-key': 'rent-1' },
            ),
          ),
        ),
      );
      // THEN the client is told to retry, and the error report holds the statement, not its values
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await res.json()).error.code).toBe('database_unavailable');
      await flushSentry();
      const envelope = await sink.next('event');
      const values = eventOf(envelope).exception.values.map((v) => v.value);
      expect(values).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Failed query: insert into "transactions" .*\nparams: \[Filtered\]$/s),
          'terminating connection due to administrator command',
        ]),
      );
      for (const secret of [...personal(nationalId), token, token.split('.')[1]]) expect(envelope.raw).not.toContain(secret);
      // and the log line is as clean
      expect(lines.at(-1)).toMatch(/^error [0-9a-f-]{36} on POST \/v1\/transactions: .*\[57P01\]/);
      for (const secret of personal(nationalId)) expect(lines.join('\n')).not.toContain(secret);
    });

    it("reports POST /v1/auth/bankid/authorize without the flow's state, nonce or PKCE verifier", async () => {
      // GIVEN live BankID against a real OpenID provider; the flow's secrets are recorded as they are made
      const bankId = new BankIdOidc({
        issuer: provider.issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: REDIRECT_URI,
        scope: DEFAULT_BANKID_SCOPE,
        idClaim: DEFAULT_BANKID_ID_CLAIM,
      });
      const made: AuthorizationRequest[] = [];
      const real = bankId.authorizationRequest.bind(bankId);
      bankId.authorizationRequest = async () => {
        const request = await real();
        made.push(request);
        return request;
      };
      const app = testApp(runtime, { bankIdMock: false, bankId, reportError: report(sink.dsn), log: (line) => lines.push(line) });
      sink.envelopes.length = 0;
      // WHEN PostgreSQL goes away while the flow is being stored
      const res = await outageDuring('oidc_flows', () => Promise.resolve(app.request('/v1/auth/bankid/authorize', { method: 'POST' })));
      // THEN 503, and nothing of the flow in the report
      expect(res.status).toBe(503);
      await flushSentry();
      const envelope = await sink.next('event');
      expect(eventOf(envelope).exception.values.map((v) => v.value)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^Failed query: insert into "oidc_flows" .*\nparams: \[Filtered\]$/s)]),
      );
      expect(made).toHaveLength(1);
      const [{ state, nonce, codeVerifier }] = made;
      for (const secret of [state, nonce, codeVerifier]) {
        expect(envelope.raw).not.toContain(secret);
        expect(lines.join('\n')).not.toContain(secret);
      }
    });
  });
});
