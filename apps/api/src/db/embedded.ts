/** The embedded database (PGlite: PostgreSQL compiled to WebAssembly), persisted in `dataDir`. */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { batchedPing, type Database, type Db } from './database.js';
import { lockDataDir } from './lock.js';
import { migrate, pendingMigrations, type MigrationConnection } from './migrate.js';
import { schema } from './schema.js';

export async function openEmbeddedDatabase(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  let client: PGlite;
  try {
    client = await PGlite.create(dataDir);
  } catch (error) {
    unlock();
    throw error;
  }
  const db = drizzle({ client, schema }) as unknown as Db;
  const connection: MigrationConnection = {
    exec: async (text) => void (await client.exec(text)),
    query: async <T>(text: string, params?: unknown[]) => (await client.query<T>(text, params)).rows,
  };
  // PGlite directly (drizzle's query building costs more than the query), and checks arriving in
  // one loop turn share one SELECT 1 sent after all of them arrived.
  return {
    kind: 'embedded',
    run: (work) => work(db),
    ping: batchedPing(() => client.query('SELECT 1 AS ok')),
    pool: () => undefined,
    migrate: (migrations) => migrate(connection, migrations),
    pending: (migrations) => pendingMigrations(connection, migrations),
    close: async () => {
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}
