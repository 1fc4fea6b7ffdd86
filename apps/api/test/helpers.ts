/**
 * Test databases: the embedded PGlite in a temporary directory, and a fresh database on the real
 * PostgreSQL server of the test run (its URL in DROP_TEST_PG_URL: the one `global-setup.ts`
 * starts from npm, or a server of your own when you set the variable). DROP_TEST_EMBEDDED_ONLY=1
 * says on purpose that this run has no server (the Dockerfile's test stage).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { createApp } from '../src/app.js';
import type { Database } from '../src/db/database.js';
import { openEmbeddedDatabase } from '../src/db/embedded.js';
import { openPostgresDatabase } from '../src/db/postgres.js';

export const JWT_SECRET = 'test-secret-of-at-least-32-characters!';
export const embeddedOnly = process.env.DROP_TEST_EMBEDDED_ONLY === '1';

export function adminUrl(): string {
  const url = process.env.DROP_TEST_PG_URL;
  if (!url) {
    throw new Error(
      'DROP_TEST_PG_URL is not set: run the tests with vitest from the repository root (its global setup starts PostgreSQL), set it to a server of your own, or set DROP_TEST_EMBEDDED_ONLY=1 to run without PostgreSQL',
    );
  }
  return url;
}

const readiness = new Map<string, Promise<void>>();

/**
 * Resolves once the server at `url` accepts connections: the global setup starts the run's server
 * in the background, so the first test to connect waits for it (30 s at most).
 */
export function postgresReady(url = adminUrl()): Promise<void> {
  let ready = readiness.get(url);
  if (!ready) {
    ready = waitForPostgres(url);
    readiness.set(url, ready);
  }
  return ready;
}

async function waitForPostgres(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      const code = (error as { code?: string }).code;
      // Refused: not listening yet. 57P03: starting up.
      if (Date.now() > deadline || (code !== 'ECONNREFUSED' && code !== '57P03')) {
        const { host } = new URL(url);
        throw new Error(`PostgreSQL at ${host} does not accept connections (${(error as Error).message}); the test run's output says why`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function adminQuery<T = Record<string, unknown>>(text: string, params: unknown[] = [], url = adminUrl()): Promise<T[]> {
  await postgresReady(url);
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A new, empty database on the test server; returns its URL (superuser credentials). */
export async function createPgDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `drop_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
  };
}

export interface Backend {
  readonly name: 'embedded' | 'postgres';
  open(): Promise<{ database: Database; cleanup(): Promise<void> }>;
}

export const embedded: Backend = {
  name: 'embedded',
  async open() {
    const dir = mkdtempSync(path.join(tmpdir(), 'drop-api-test-'));
    const database = await openEmbeddedDatabase(dir);
    return {
      database,
      async cleanup() {
        await database.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const postgres: Backend = {
  name: 'postgres',
  async open() {
    const created = await createPgDatabase();
    const database = await openPostgresDatabase({ url: created.url });
    return {
      database,
      async cleanup() {
        await database.close().catch(() => undefined);
        await created.drop();
      },
    };
  },
};

export const backends: Backend[] = embeddedOnly ? [embedded] : [embedded, postgres];

export function testApp(database: Database, overrides: Partial<Parameters<typeof createApp>[0]> = {}) {
  return createApp({
    database,
    jwtSecret: JWT_SECRET,
    appUrl: 'http://localhost:3000',
    bankIdMock: true,
    version: '0.1.0',
    log: () => undefined,
    ...overrides,
  });
}

/** Valid Norwegian national identity numbers (check digits computed), one per test user. */
export const NATIONAL_IDS = ['31129945616', '12034567849', '15058534541'] as const;

/** Signs in with mock BankID as `nationalId`; `app` is the app itself, or anything that asks the API the same way (over HTTP). */
export async function signIn(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  nationalId: string,
): Promise<string> {
  const start = await app.request('/v1/auth/bankid/start', json({ nationalId }));
  const { orderRef } = (await start.json()) as { orderRef: string };
  const collect = await app.request('/v1/auth/bankid/collect', json({ orderRef }));
  return ((await collect.json()) as { token: string }).token;
}

/** Where most API tests start: a migrated database of `backend`, the app on it, and a token of the first test user. */
export async function openSignedIn(backend: Backend, overrides: Partial<Parameters<typeof createApp>[0]> = {}) {
  const { database, cleanup } = await backend.open();
  await database.migrate();
  const app = testApp(database, overrides);
  return { database, cleanup, app, token: await signIn(app, NATIONAL_IDS[0]) };
}

export function json(body: unknown, headers: Record<string, string> = {}, method = 'POST'): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
