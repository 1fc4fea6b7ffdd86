/**
 * The real PostgreSQL server of the test run (its URL in DROP_TEST_PG_URL: the one
 * `global-setup.ts` starts from npm, or a server of your own when you set the variable): waiting
 * for it, superuser queries, and fresh databases on it. Only `pg`, so the infra tests that start
 * the API import it without the app (helpers.ts re-exports it for the API tests).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

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
