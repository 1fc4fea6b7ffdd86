/** `npm run db:backup` / `db:restore`: the development database survives a round trip, and a running API is never copied or overwritten. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupError, backup, restore } from '../src/db/dev-backup.js';
import { openEmbeddedDatabase } from '../src/db/embedded.js';
import { readMigrations } from '../src/db/migrate.js';
import { users } from '../src/db/schema.js';

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'drop-backup-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function databaseWith(dataDir: string, name: string): Promise<void> {
  const database = await openEmbeddedDatabase(dataDir);
  await database.migrate();
  await database.run((db) => db.insert(users).values({ nationalId: '31129945616', name }));
  await database.close();
}

async function names(dataDir: string): Promise<string[]> {
  const database = await openEmbeddedDatabase(dataDir);
  try {
    return (await database.run((db) => db.select({ name: users.name }).from(users))).map((u) => u.name);
  } finally {
    await database.close();
  }
}

describe('development database backup and restore', () => {
  // Five starts of the embedded database: minutes on a loaded two-core machine.
  it('restores what was backed up, and keeps the database it replaced', { timeout: 240_000 }, async () => {
    // GIVEN a development database with a user, backed up
    const root = temp();
    const dataDir = path.join(root, 'data');
    await databaseWith(dataDir, 'before');
    const file = await backup(dataDir, path.join(root, 'backups', 'dev.tar.gz'));
    // WHEN the data changes and the backup is restored
    const database = await openEmbeddedDatabase(dataDir);
    await database.run((db) => db.update(users).set({ name: 'after' }));
    await database.close();
    const now = new Date('2026-12-07T12:00:00Z');
    const { previous, migrations } = await restore(file, dataDir, now);
    // THEN the backup's data is back, the replaced database moved aside, not deleted
    expect(await names(dataDir)).toEqual(['before']);
    expect(migrations).toEqual(readMigrations().map((m) => m.name));
    expect(previous).toBe(`${dataDir}.before-restore-2026-12-07T12-00-00-000Z`);
    expect(await names(previous!)).toEqual(['after']);
  });

  it('refuses to back up or restore a directory the API is running on', { timeout: 240_000 }, async () => {
    const root = temp();
    const dataDir = path.join(root, 'data');
    await databaseWith(dataDir, 'x');
    const file = await backup(dataDir, path.join(root, 'dev.tar.gz'));
    const running = await openEmbeddedDatabase(dataDir);
    try {
      await expect(backup(dataDir, path.join(root, 'again.tar.gz'))).rejects.toThrow(/is in use by this process/);
      await expect(restore(file, dataDir)).rejects.toThrow(/is in use by this process/);
      expect(existsSync(path.join(root, 'again.tar.gz'))).toBe(false);
    } finally {
      await running.close();
    }
  });

  it('says what is wrong with a missing database or a file that is not a backup', async () => {
    const root = temp();
    await expect(backup(path.join(root, 'empty'), undefined)).rejects.toThrow(BackupError);
    writeFileSync(path.join(root, 'notes.txt'), 'hello');
    await expect(restore(path.join(root, 'notes.txt'), path.join(root, 'data'))).rejects.toThrow(
      `${path.join(root, 'notes.txt')} is not a gzip file: name a file written by npm run db:backup`,
    );
  });
});
