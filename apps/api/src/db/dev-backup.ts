/**
 * Backup and restore of the development database (the embedded PGlite in DATA_DIR), the spec's
 * "restore from backup" for development data. Deployed databases are RDS: their backups are RDS's
 * own (point-in-time restore, `npm run restore-db`, docs/operations.md).
 *
 *   npm run db:backup                                   # ./backups/drop-dev-<time>.tar.gz from apps/api/data
 *   npm run db:backup -- --to my.tar.gz
 *   npm run db:restore -- --from backups/drop-dev-....tar.gz
 *
 * A backup is PGlite's own dump of the data directory (`dumpDataDir`, a gzipped tar), taken with
 * the directory's lock held, so it refuses while the API runs on it (stop it first: PGlite keeps
 * the database in memory and writes it back, so a copy of a live directory may be torn). A
 * restore never deletes: the current directory is moved aside to `<dir>.before-restore-<time>`,
 * the dump is loaded into a fresh one, and the restored database is checked by reading its
 * migration history.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './lock.js';

export class BackupError extends Error {}

const stamp = (now: Date) => now.toISOString().replace(/[:.]/g, '-');

/** Writes a dump of `dataDir` to `to`; resolves with the file written. */
export async function backup(dataDir: string, to: string | undefined, now = new Date()): Promise<string> {
  if (!existsSync(path.join(dataDir, 'PG_VERSION')))
    throw new BackupError(`${dataDir} holds no database (no PG_VERSION): nothing to back up`);
  const file = to ?? path.join('backups', `drop-dev-${stamp(now)}.tar.gz`);
  const unlock = lockDataDir(dataDir);
  try {
    const db = await PGlite.create(dataDir);
    try {
      const dump = await db.dumpDataDir('gzip');
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      writeFileSync(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    } finally {
      await db.close();
    }
  } finally {
    unlock();
  }
  return file;
}

/**
 * Loads the dump `from` into `dataDir`, moving what is there aside first; resolves with where the
 * previous directory went (undefined when there was none) and the migrations the backup holds.
 */
export async function restore(from: string, dataDir: string, now = new Date()): Promise<{ previous?: string; migrations: string[] }> {
  if (!existsSync(from)) throw new BackupError(`${from} does not exist: name a file written by npm run db:backup`);
  const dump = readFileSync(from);
  if (dump[0] !== 0x1f || dump[1] !== 0x8b) throw new BackupError(`${from} is not a gzip file: name a file written by npm run db:backup`);
  let previous: string | undefined;
  if (existsSync(dataDir)) {
    // Held while moving: the API must not be running on it.
    const unlock = lockDataDir(dataDir);
    unlock();
    previous = `${dataDir.replace(/\/+$/, '')}.before-restore-${stamp(now)}`;
    renameSync(dataDir, previous);
  }
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  try {
    const db = await PGlite.create(dataDir, { loadDataDir: new Blob([dump]) });
    try {
      const rows = await db.query<{ name: string }>('SELECT name FROM drop_schema_migrations ORDER BY name');
      return { previous, migrations: rows.rows.map((r) => r.name) };
    } finally {
      await db.close();
    }
  } finally {
    unlock();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { to: { type: 'string' }, from: { type: 'string' } }, strict: true });
  // npm runs this in apps/api; paths the user typed are relative to where they typed them.
  const typed = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
  const dataDir = path.resolve(process.env.DATA_DIR ?? './data');
  if (command === 'backup') {
    const file = await backup(dataDir, values.to ? typed(values.to) : typed(path.join('backups', `drop-dev-${stamp(new Date())}.tar.gz`)));
    console.log(`Backed up ${dataDir} to ${file}`);
  } else if (command === 'restore') {
    if (!values.from) throw new BackupError('Missing --from. Usage: npm run db:restore -- --from <file written by npm run db:backup>');
    const { previous, migrations } = await restore(typed(values.from), dataDir);
    console.log(
      `Restored ${dataDir} from ${values.from} (migrations ${migrations.join(', ') || 'none'})${previous ? `; the previous database is in ${previous}` : ''}. The API applies newer migrations when it starts.`,
    );
  } else {
    throw new BackupError('Usage: dev-backup backup [--to <file>] | restore --from <file>');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error instanceof BackupError || error.name === 'DataDirLockedError' ? error.message : error);
    process.exitCode = 1;
  });
}
