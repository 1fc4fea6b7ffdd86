/**
 * Least privilege inside the database, on the test run's PostgreSQL 16: the migration job's
 * provisioning (apps/api/src/db/provision.ts) leaves a runtime role that reads and writes the
 * application's rows and can do nothing else; the job is idempotent and takes over tables an
 * earlier release created as the administrator; the job's process refuses bad configuration and
 * the API, as the runtime role, refuses to start on a schema the job has not migrated.
 * (Every route test on the `postgres` backend runs as the runtime role too: helpers.ts.)
 *
 * Not covered here: RDS IAM authentication itself (`rds_iam`, the PAM check of the token) exists
 * only on RDS; the test server authenticates the runtime role with a password instead, and the
 * token provider's signing and refresh are tested with the AWS SDK's Signer in iam-token.test.ts.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { migrationConnection } from '../src/db/postgres.js';
import { provisionDatabase } from '../src/db/provision.js';
import { readMigrations } from '../src/db/migrate.js';
import { startApi } from '../src/server.js';
import { adminQuery, createPgDatabase, createRuntimeDatabase, embeddedOnly, JWT_SECRET } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

async function as<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe.skipIf(embeddedOnly)('least privilege inside the database', () => {
  let db: Awaited<ReturnType<typeof createRuntimeDatabase>>;
  beforeAll(async () => {
    db = await createRuntimeDatabase();
  });
  afterAll(() => db?.drop());

  const refused = (statement: string) => as(db.url, (client) => client.query(statement));

  it.each([
    ['DROP TABLE', 'DROP TABLE transactions', /must be owner of table transactions/],
    ['ALTER TABLE', 'ALTER TABLE users ADD COLUMN backdoor text', /must be owner of table users/],
    ['CREATE ROLE', 'CREATE ROLE intruder LOGIN SUPERUSER', /permission denied to create role/],
    ['reading pg_authid', 'SELECT rolname, rolpassword FROM pg_authid', /permission denied for table pg_authid/],
    ['CREATE TABLE', 'CREATE TABLE stash (x text)', /permission denied for schema public/],
    ['a temporary table', 'CREATE TEMP TABLE stash (x text)', /permission denied to create temporary tables/],
    ['TRUNCATE', 'TRUNCATE transactions', /permission denied for table transactions/],
    ['rewriting the migration history', "DELETE FROM drop_schema_migrations WHERE name = '0001_init.sql'", /permission denied/],
    ['giving itself more', 'ALTER ROLE CURRENT_USER CREATEROLE', /permission denied to alter role/],
  ])('refuses %s to the runtime role', async (_, statement, message) => {
    await expect(refused(statement)).rejects.toThrow(message);
  });

  it('lets the runtime role read and write the application rows, and read the migration history', async () => {
    await as(db.url, async (client) => {
      const [{ id }] = (await client.query("INSERT INTO users (national_id, name) VALUES ('31129945616', 'x') RETURNING id")).rows;
      await client.query('UPDATE users SET name = $1 WHERE id = $2', ['y', id]);
      await client.query('DELETE FROM users WHERE id = $1', [id]);
      const applied = (await client.query('SELECT name FROM drop_schema_migrations ORDER BY name')).rows.map((r) => r.name);
      expect(applied).toEqual(readMigrations().map((m) => m.name));
    });
  });

  it('gives the tables to the owner role, which cannot log in', async () => {
    const owners = await adminQuery<{ tablename: string; tableowner: string }>(
      "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
      [],
      db.adminUrl,
    );
    expect(new Set(owners.map((o) => o.tableowner))).toEqual(new Set([db.roles.owner]));
    const [owner] = await adminQuery<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [db.roles.owner]);
    expect(owner.rolcanlogin).toBe(false);
  });

  it('is idempotent: the job runs before every release and changes nothing the second time', async () => {
    const applied = await as(db.adminUrl, (client) =>
      provisionDatabase(migrationConnection(client), { ...db.roles, runtimeAuth: { kind: 'password', password: 'another-password-0123' } }),
    );
    expect(applied).toEqual([]);
    await expect(refused('DROP TABLE users')).rejects.toThrow(/password authentication failed|must be owner/);
  });
});

/** An empty database and role names of its own, handed to `work`; the database and the roles are dropped after. */
async function withFreshDatabase(
  work: (created: Awaited<ReturnType<typeof createPgDatabase>>, roles: { owner: string; runtime: string }) => Promise<void>,
) {
  const created = await createPgDatabase();
  const roles = { owner: `drop_owner_${created.name.slice(-8)}`, runtime: `drop_app_${created.name.slice(-8)}` };
  try {
    await work(created, roles);
  } finally {
    await created.drop();
    for (const role of [roles.runtime, roles.owner]) await adminQuery(`DROP ROLE IF EXISTS ${role}`);
  }
}

describe.skipIf(embeddedOnly)('the migration job', () => {
  it('hands over the tables an earlier release created as the administrator, and grants them', () =>
    withFreshDatabase(async (created, roles) => {
      // GIVEN a database migrated the old way: by the API, as the administrator
      await as(created.url, (client) => provisionDatabaseOld(client));
      // WHEN the job provisions it
      await as(created.url, (client) =>
        provisionDatabase(migrationConnection(client), { ...roles, runtimeAuth: { kind: 'password', password: 'runtime-password-0123' } }),
      );
      // THEN the owner holds every table and the runtime role may use them
      const owners = await adminQuery<{ tableowner: string }>(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'",
        [],
        created.url,
      );
      expect(owners).toEqual([{ tableowner: roles.owner }]);
      const url = new URL(created.url);
      url.username = roles.runtime;
      url.password = 'runtime-password-0123';
      await as(url.toString(), (client) => client.query('SELECT count(*) FROM transactions'));
    }));

  it('refuses IAM authentication where rds_iam does not exist (not RDS), before it migrates anything', () =>
    withFreshDatabase(async (created, roles) => {
      await expect(
        as(created.url, (client) => provisionDatabase(migrationConnection(client), { ...roles, runtimeAuth: { kind: 'iam' } })),
      ).rejects.toThrow('The role rds_iam does not exist: IAM authentication for the runtime role needs RDS');
      expect(await adminQuery("SELECT 1 FROM pg_tables WHERE schemaname = 'public'", [], created.url)).toEqual([]);
    }));

  it('runs as the process the image runs (node apps/api/dist/migrate.js), and exits 78 on bad configuration', async () => {
    const created = await createPgDatabase();
    const job = (env: Record<string, string>) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps/api/src/migrate.ts')], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...env },
        encoding: 'utf8',
        timeout: 60_000,
      });
    const runtime = `drop_app_${created.name.slice(-8)}`;
    try {
      const ok = job({ DATABASE_URL: created.url, DATABASE_RUNTIME_USER: runtime, DATABASE_RUNTIME_PASSWORD: 'runtime-password-0123' });
      expect(ok.stderr).toContain(
        `applied migrations: ${readMigrations()
          .map((m) => m.name)
          .join(', ')}`,
      );
      expect(ok.status).toBe(0);
      expect(ok.stderr).not.toContain('runtime-password-0123');
      const bad = job({ NODE_ENV: 'production', DATABASE_URL: created.url, DATABASE_CREDENTIALS: '{"username":"drop_admin"}' });
      expect(bad.status).toBe(78);
      expect(bad.stderr).toContain(
        'DATABASE_CREDENTIALS: must be the JSON {"username":"...","password":"..."} (found: a 25-character value)',
      );
      expect(bad.stderr).toContain('DATABASE_CA_FILE: must name a readable PEM file: a deployed job verifies the database certificate');
    } finally {
      await created.drop();
      await adminQuery(`DROP ROLE IF EXISTS ${runtime}`);
      await adminQuery('DROP ROLE IF EXISTS drop_owner').catch(() => undefined);
    }
  });
});

describe.skipIf(embeddedOnly)('the API as the runtime role', () => {
  it('refuses to start on a schema the migration job has not brought up to date, naming what is pending', async () => {
    // GIVEN a provisioned database whose history lacks the newest migration
    const db = await createRuntimeDatabase();
    const newest = readMigrations().at(-1)!.name;
    try {
      await adminQuery('DELETE FROM drop_schema_migrations WHERE name = $1', [newest], db.adminUrl);
      // WHEN the API starts as the runtime role, not migrating (as with DATABASE_AUTH=iam)
      const config = loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        JWT_SECRET,
        SEED_DEMO: 'false',
        DATABASE_URL: db.url,
        DATABASE_MIGRATE: 'false',
      });
      // THEN it refuses, naming the migration and the job to run
      await expect(startApi(config, { hostname: '127.0.0.1' })).rejects.toThrow(
        `the database schema is behind this release (pending: ${newest}): run the migration job first (npm run db:migrate -- --env <env>)`,
      );
    } finally {
      await db.drop();
    }
  });
});

/** What releases before the roles did: the API migrated at start, as the administrator. */
async function provisionDatabaseOld(client: pg.Client): Promise<void> {
  const { migrate } = await import('../src/db/migrate.js');
  await migrate(migrationConnection(client));
}
