/**
 * Forward-only SQL migrations from `migrations/*.sql`, applied in name order at start-up.
 *
 * In AWS they are applied by the migration job (`npm run db:migrate`, apps/api/src/migrate.ts) as
 * the owner role, before a release's services start; the services connect as the runtime role,
 * which cannot run DDL, and only check that nothing is pending (`pendingMigrations`). In
 * development, tests and Compose the API applies them at start.
 *
 * Several runs may start at once: the whole run happens in one transaction that first takes a
 * transaction-scoped advisory lock, so one applies the pending files and the others wait, then
 * find nothing left to do. An up-to-date schema is found with one SELECT, without the lock or any
 * DDL. An applied file whose content changed stops the run (a shipped migration is never edited;
 * add a new one).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

/** One connection, inside which the runner opens its own transaction. */
export interface MigrationConnection {
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');
/** Any constant shared by every instance; "drop" in ASCII. */
const LOCK_KEY = 0x64726f70;

export interface Migration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const UNDEFINED_TABLE = '42P01';

/** What has been applied, by name (empty before the first migration). */
async function applied(connection: MigrationConnection): Promise<Map<string, string>> {
  try {
    const rows = await connection.query<{ name: string; checksum: string }>('SELECT name, checksum FROM drop_schema_migrations');
    return new Map(rows.map((row) => [row.name, row.checksum]));
  } catch (error) {
    if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return new Map();
    throw error;
  }
}

function checkUnchanged(migration: Migration, checksum: string): void {
  if (checksum !== migration.checksum) {
    throw new Error(
      `Migration ${migration.name} was changed after it was applied (checksum ${checksum.slice(0, 12)} in the database, ${migration.checksum.slice(0, 12)} on disk); shipped migrations are never edited, add a new file instead.`,
    );
  }
}

/** The migrations not applied yet (read-only: the runtime role may call it); refuses an edited one. */
export async function pendingMigrations(connection: MigrationConnection, migrations: Migration[] = readMigrations()): Promise<string[]> {
  const done = await applied(connection);
  return migrations
    .filter((migration) => {
      const checksum = done.get(migration.name);
      if (checksum !== undefined) checkUnchanged(migration, checksum);
      return checksum === undefined;
    })
    .map((migration) => migration.name);
}

/** Applies the pending migrations; returns the names it applied (empty when up to date). */
export async function migrate(connection: MigrationConnection, migrations: Migration[] = readMigrations()): Promise<string[]> {
  if ((await pendingMigrations(connection, migrations)).length === 0) return [];
  await connection.exec('BEGIN');
  try {
    await connection.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await connection.exec(
      'CREATE TABLE IF NOT EXISTS drop_schema_migrations (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const before = await applied(connection);
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = before.get(migration.name);
      if (checksum !== undefined) {
        checkUnchanged(migration, checksum);
        continue;
      }
      await connection.exec(migration.sql);
      await connection.query('INSERT INTO drop_schema_migrations (name, checksum) VALUES ($1, $2)', [migration.name, migration.checksum]);
      done.push(migration.name);
    }
    await connection.exec('COMMIT');
    return done;
  } catch (error) {
    await connection.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
