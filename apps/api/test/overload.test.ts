/**
 * Overload is a 503 with Retry-After, never a 500: an exhausted pool (requests wait at most
 * DATABASE_POOL_WAIT_MS for a connection) and statements PostgreSQL cancels at statement_timeout,
 * on the test run's PostgreSQL with the pool held for real. Health stays 200 meanwhile and says
 * the pool is saturated; each refusal is counted in the overload metric, none goes to Sentry.
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OVERLOAD_METRIC } from '@drop/shared/metrics';
import type { Database } from '../src/db/database.js';
import { databaseTrouble } from '../src/db/errors.js';
import { openPostgresDatabase } from '../src/db/postgres.js';
import { overloadCounter } from '../src/overload.js';
import { createRuntimeDatabase, embeddedOnly, NATIONAL_IDS, signIn, testApp } from './helpers.js';

describe.skipIf(embeddedOnly)('overload', () => {
  let db: Awaited<ReturnType<typeof createRuntimeDatabase>>;
  beforeAll(async () => {
    db = await createRuntimeDatabase();
  });
  afterAll(() => db?.drop());

  async function appOn(database: Database) {
    const counted: number[] = [];
    const reported: unknown[] = [];
    const app = testApp(database, { countOverload: () => counted.push(1), reportError: (error) => reported.push(error) });
    const token = await signIn(app, NATIONAL_IDS[0]);
    const list = () => Promise.resolve(app.request('/v1/transactions', { headers: { authorization: `Bearer ${token}` } }));
    return { app, list, counted, reported };
  }

  it('answers 503 with Retry-After when the pool stays exhausted, while health says 200 and saturated', async () => {
    // GIVEN a pool of two, both connections busy for a second and a half
    const database = await openPostgresDatabase({ url: db.url, maxConnections: 2, poolWaitMs: 300 });
    try {
      const { app, list, counted, reported } = await appOn(database);
      const busy = [1, 2].map(() => database.run((d) => d.execute(sql`SELECT pg_sleep(1.5)`)));
      await new Promise((resolve) => setTimeout(resolve, 100));
      // WHEN 25 requests arrive (the pen-test's number) and health is asked meanwhile
      const requests = Array.from({ length: 25 }, list);
      const health = await app.request('/v1/health');
      const responses = await Promise.all(requests);
      await Promise.all(busy);
      // THEN each is a 503 to retry, within the pool wait, not a 500 after the statement timeout
      expect(responses.map((r) => r.status)).toEqual(Array(25).fill(503));
      expect(responses.map((r) => r.headers.get('retry-after'))).toEqual(Array(25).fill('2'));
      expect((await responses[0].json()).error).toEqual({
        code: 'overloaded',
        message: 'The service is busy right now; retry in a moment',
      });
      expect(health.status).toBe(200);
      expect((await health.json()).pool).toEqual({ size: 2, inUse: 2, waiting: expect.any(Number), saturated: true });
      // counted for the metric, not reported as a bug
      expect(counted).toHaveLength(25);
      expect(reported).toEqual([]);
      // and once the pool is free again, it serves
      expect((await list()).status).toBe(200);
    } finally {
      await database.close();
    }
  });

  it('answers 503 when PostgreSQL cancels a statement at statement_timeout', async () => {
    // GIVEN the table locked by another session, and a statement timeout of 300 ms
    const database = await openPostgresDatabase({ url: db.url, queryTimeoutMs: 300 });
    const admin = new pg.Client(db.adminUrl);
    await admin.connect();
    try {
      const { list, counted } = await appOn(database);
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE transactions IN ACCESS EXCLUSIVE MODE');
      // WHEN a request reads it
      const began = performance.now();
      const res = await list();
      // THEN 503 once the statement is cancelled
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(performance.now() - began).toBeLessThan(2000);
      expect(counted).toHaveLength(1);
    } finally {
      await admin.query('ROLLBACK').catch(() => undefined);
      await admin.end();
      await database.close();
    }
  });
});

describe('the overload metric', () => {
  it('writes one CloudWatch embedded-metric line per second with the count, for the compute stack’s alarm', () => {
    vi.useFakeTimers({ now: new Date('2026-12-07T12:00:00Z') });
    try {
      const lines: string[] = [];
      const count = overloadCounter('staging', (line) => lines.push(line));
      count();
      count();
      count();
      expect(lines).toEqual([]);
      vi.advanceTimersByTime(1000);
      expect(lines.map((l) => JSON.parse(l))).toEqual([
        {
          _aws: {
            Timestamp: Date.parse('2026-12-07T12:00:01Z'),
            CloudWatchMetrics: [
              {
                Namespace: OVERLOAD_METRIC.namespace,
                Dimensions: [['Environment']],
                Metrics: [{ Name: 'OverloadedRequests', Unit: 'Count' }],
              },
            ],
          },
          Environment: 'staging',
          OverloadedRequests: 3,
        },
      ]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('which database failures are not bugs', () => {
  const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  const wrapped = (cause: Error) => Object.assign(new Error('Failed query: select 1\nparams: '), { cause });

  it.each([
    ['an exhausted pool', new Error('timeout exceeded when trying to connect'), 'overloaded'],
    ['a statement timeout', pgError('57014', 'canceling statement due to statement timeout'), 'overloaded'],
    ['a silent server', new Error('Query read timeout'), 'overloaded'],
    ['no connection slot left', pgError('53300'), 'overloaded'],
    ['a refused connection', pgError('ECONNREFUSED'), 'unavailable'],
    ['a server shutting down', pgError('57P01', 'terminating connection due to administrator command'), 'unavailable'],
    ['a lost connection', new Error('Connection terminated unexpectedly'), 'unavailable'],
    ['a database not accepting connections', pgError('55000'), 'unavailable'],
    ['a constraint (a bug)', pgError('23514'), undefined],
    ['anything else', new Error('boom'), undefined],
  ])('%s', (_, cause, expected) => {
    expect(databaseTrouble(wrapped(cause))).toBe(expected);
  });
});
