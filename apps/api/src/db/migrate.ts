/**
 * Forward-only SQL migrations from `migrations/*.sql`, applied in name order at start-up.
 *
 * Several instances start at once during a rolling deployment: the whole run happens in one
 * transaction that first takes a transaction-scoped advisory lock, so one instance applies the
 * pending files and the others wait, then find nothing left to do. An applied file whose content
 * changed stops the start-up (a shipped migration is never edited; add a new one).
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

/** Applies the pending migrations; returns the names it applied (empty when up to date). */
export async function migrate(connection: MigrationConnection, migrations: Migration[] = readMigrations()): Promise<string[]> {
  await connection.exec('BEGIN');
  try {
    await connection.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await connection.exec(
      'CREATE TABLE IF NOT EXISTS drop_schema_migrations (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const applied = new Map(
      (await connection.query<{ name: string; checksum: string }>('SELECT name, checksum FROM drop_schema_migrations')).map((row) => [
        row.name,
        row.checksum,
      ]),
    );
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.name} was changed after it was applied (checksum ${checksum.slice(0, 12)} in the database, ${migration.checksum.slice(0, 12)} on disk); shipped migrations are never edited, add a new file instead.`,
          );
        }
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
