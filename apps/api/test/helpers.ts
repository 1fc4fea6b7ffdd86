/**
 * Test databases: the embedded PGlite in a temporary directory, and a fresh database on the real
 * PostgreSQL server of the test run (pg-admin.ts). DROP_TEST_EMBEDDED_ONLY=1 says on purpose that
 * this run has no server (the Dockerfile's test stage).
 *
 * The `postgres` backend is the database as the services meet it in AWS: provisioned by the
 * migration job (roles, migrations as the owner, grants) and opened as the runtime role, so every
 * route test on it proves the route works with the runtime role's privileges. `postgresAdmin` is
 * an empty database opened as the superuser, for the tests of migrations themselves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createApp } from '../src/app.js';
import type { Database } from '../src/db/database.js';
import { openEmbeddedDatabase } from '../src/db/embedded.js';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { migrationConnection, openPostgresDatabase } from '../src/db/postgres.js';
import { provisionDatabase } from '../src/db/provision.js';
import { adminQuery, createPgDatabase } from './pg-admin.js';

export { adminQuery, adminUrl, createPgDatabase, postgresReady } from './pg-admin.js';

export const JWT_SECRET = 'test-secret-of-at-least-32-characters!';
export const embeddedOnly = process.env.DROP_TEST_EMBEDDED_ONLY === '1';

export interface Opened {
  readonly database: Database;
  /** Runs a statement as an administrator of the database (the tests' own DDL: the app's role may not). */
  admin(sql: string): Promise<void>;
  cleanup(): Promise<void>;
}

export interface Backend {
  readonly name: 'embedded' | 'postgres';
  open(): Promise<Opened>;
}

export const embedded: Backend = {
  name: 'embedded',
  async open() {
    const dir = mkdtempSync(path.join(tmpdir(), 'drop-api-test-'));
    const database = await openEmbeddedDatabase(dir);
    return {
      database,
      admin: (text) => database.run(async (db) => void (await db.execute(sql.raw(text)))),
      async cleanup() {
        await database.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const postgresAdmin: Backend = {
  name: 'postgres',
  async open() {
    const created = await createPgDatabase();
    const database = await openPostgresDatabase({ url: created.url });
    return {
      database,
      admin: (text) => adminQuery(text, [], created.url).then(() => undefined),
      async cleanup() {
        await database.close().catch(() => undefined);
        await created.drop();
      },
    };
  },
};

/**
 * A new database provisioned as the migration job does it, with roles of its own (roles are
 * cluster-wide, and the tests run in parallel): `url` connects as the runtime role (with a
 * password: the test server has no IAM), `adminUrl` as the superuser.
 */
export async function createRuntimeDatabase(): Promise<{
  url: string;
  adminUrl: string;
  name: string;
  roles: { owner: string; runtime: string };
  drop(): Promise<void>;
}> {
  const created = await createPgDatabase();
  const suffix = randomBytes(4).toString('hex');
  const roles = { owner: `drop_owner_${suffix}`, runtime: `drop_app_${suffix}` };
  const password = randomBytes(18).toString('hex');
  const admin = new pg.Client(created.url);
  await admin.connect();
  try {
    await provisionDatabase(migrationConnection(admin), { ...roles, runtimeAuth: { kind: 'password', password } });
  } finally {
    await admin.end();
  }
  const url = new URL(created.url);
  url.username = roles.runtime;
  url.password = password;
  return {
    url: url.toString(),
    adminUrl: created.url,
    name: created.name,
    roles,
    async drop() {
      await created.drop();
      await adminQuery(`DROP ROLE IF EXISTS ${roles.runtime}`);
      await adminQuery(`DROP ROLE IF EXISTS ${roles.owner}`);
    },
  };
}

/** The database as the API meets it in AWS: migrated by the job, used as the runtime role. */
export const postgres: Backend = {
  name: 'postgres',
  async open() {
    const created = await createRuntimeDatabase();
    const database = await openPostgresDatabase({ url: created.url });
    return {
      database,
      admin: (text) => adminQuery(text, [], created.adminUrl).then(() => undefined),
      async cleanup() {
        await database.close().catch(() => undefined);
        await created.drop();
      },
    };
  },
};

export const backends: Backend[] = embeddedOnly ? [embedded] : [embedded, postgres];
/** For tests of the migrations themselves: an empty database, as an administrator. */
export const adminBackends: Backend[] = embeddedOnly ? [embedded] : [embedded, postgresAdmin];

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
  const opened = await backend.open();
  await opened.database.migrate();
  const app = testApp(opened.database, overrides);
  return { ...opened, app, token: await signIn(app, NATIONAL_IDS[0]) };
}

export function json(body: unknown, headers: Record<string, string> = {}, method = 'POST'): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
