/**
 * Test databases: the embedded PGlite in a temporary directory, and a fresh database on the real
 * PostgreSQL server of the test run (pg-admin.ts). DROP_TEST_EMBEDDED_ONLY=1 says on purpose that
 * this run has no server (the Dockerfile's test stage).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createApp } from '../src/app.js';
import type { Database } from '../src/db/database.js';
import { openEmbeddedDatabase } from '../src/db/embedded.js';
import { openPostgresDatabase } from '../src/db/postgres.js';
import { createPgDatabase } from './pg-admin.js';

export { adminQuery, adminUrl, createPgDatabase, postgresReady } from './pg-admin.js';

export const JWT_SECRET = 'test-secret-of-at-least-32-characters!';
export const embeddedOnly = process.env.DROP_TEST_EMBEDDED_ONLY === '1';

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
