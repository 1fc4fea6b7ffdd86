/**
 * Data the API must not keep or lose: expired BankID orders are deleted (on PostgreSQL and the
 * embedded database), and a second process on one embedded data directory refuses to start
 * instead of silently overwriting the first one's writes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteExpired } from '../src/cleanup.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { openEmbeddedDatabase } from '../src/db/embedded.js';
import { LOCK_FILE } from '../src/db/lock.js';
import { authOrders, oidcFlows } from '../src/db/schema.js';
import { startApi } from '../src/server.js';
import { backends, createPgDatabase, JWT_SECRET, NATIONAL_IDS } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const SERVER = path.join(ROOT, 'apps', 'api', 'src', 'server.ts');
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'drop-api-data-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const orders = (database: Database) =>
  database.run((db) =>
    db.select({ nationalId: authOrders.nationalId, status: authOrders.status }).from(authOrders).orderBy(authOrders.nationalId),
  );
const addOrder = (database: Database, nationalId: string, status: 'pending' | 'complete', expiresInSeconds: number) =>
  database.run((db) =>
    db.insert(authOrders).values({ nationalId, status, expiresAt: sql`now() + make_interval(secs => ${expiresInSeconds})` }),
  );

describe.each(backends)('expired BankID orders on the $name database', (backend) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ database, cleanup } = await backend.open());
    await database.migrate();
  });
  afterAll(() => cleanup());

  it('are deleted, pending or complete; orders still valid stay', async () => {
    await addOrder(database, '1-pending-expired', 'pending', -1);
    await addOrder(database, '2-complete-expired', 'complete', -600);
    await addOrder(database, '3-pending-valid', 'pending', 180);
    await addOrder(database, '4-complete-valid', 'complete', 60);
    expect(await deleteExpired(database)).toEqual({ orders: 2, flows: 0, revocations: 0 });
    expect(await orders(database)).toEqual([
      { nationalId: '3-pending-valid', status: 'pending' },
      { nationalId: '4-complete-valid', status: 'complete' },
    ]);
    expect(await deleteExpired(database)).toEqual({ orders: 0, flows: 0, revocations: 0 });
  });

  it('take the expired OpenID Connect flows with them; flows still valid stay', async () => {
    const flow = (state: string, seconds: number) =>
      database.run((db) =>
        db
          .insert(oidcFlows)
          .values({ state, nonce: `n-${state}`, codeVerifier: `v-${state}`, expiresAt: new Date(Date.now() + seconds * 1000) }),
      );
    await flow('expired', -1);
    await flow('valid', 600);
    expect(await deleteExpired(database)).toEqual({ orders: 0, flows: 1, revocations: 0 });
    const left = await database.run((db) => db.select({ state: oidcFlows.state }).from(oidcFlows));
    expect(left).toEqual([{ state: 'valid' }]);
  });
});

describe.each(backends.map((b) => b.name))('the running API (%s)', (name) => {
  it('deletes expired orders periodically, by itself', async () => {
    const env: Record<string, string> = { NODE_ENV: 'test', PORT: '0', SEED_DEMO: 'false', JWT_SECRET };
    let drop: (() => Promise<void>) | undefined;
    if (name === 'embedded') env.DATA_DIR = tempDir();
    else {
      const db = await createPgDatabase();
      env.DATABASE_URL = db.url;
      drop = db.drop;
    }
    const api = await startApi(loadConfig(env), { hostname: '127.0.0.1', cleanupIntervalMs: 200 });
    try {
      await addOrder(api.database, NATIONAL_IDS[0], 'pending', -1);
      await addOrder(api.database, NATIONAL_IDS[1], 'pending', 180);
      let left = await orders(api.database);
      for (let i = 0; i < 50 && left.length > 1; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        left = await orders(api.database);
      }
      expect(left).toEqual([{ nationalId: NATIONAL_IDS[1], status: 'pending' }]);
    } finally {
      await api.shutdown();
      await drop?.();
    }
  });
});

describe('one process per embedded data directory', () => {
  const open: Database[] = [];
  afterEach(async () => {
    for (const database of open.splice(0)) await database.close().catch(() => undefined);
  });

  it('refuses a second process on the same directory, naming the owner; the first keeps its writes', async () => {
    // GIVEN this process has the directory open, with a write in it
    const dir = tempDir();
    const first = await openEmbeddedDatabase(dir);
    open.push(first);
    await first.migrate();
    await addOrder(first, 'written-by-first', 'pending', 180);

    // WHEN another API process starts on it
    const second = spawnSync(process.execPath, ['--import', 'tsx', SERVER], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', PORT: '0', DATA_DIR: dir, SEED_DEMO: 'false' },
      encoding: 'utf8',
      timeout: 30_000,
    });

    // THEN it exits non-zero saying who holds the directory, and the first one's data is intact
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`DATA_DIR ${dir} is in use by process ${process.pid} (lock file ${path.join(dir, LOCK_FILE)})`);
    expect(await orders(first)).toEqual([{ nationalId: 'written-by-first', status: 'pending' }]);

    // and within one process, a second open is refused too
    await expect(openEmbeddedDatabase(dir)).rejects.toThrow(`DATA_DIR ${dir} is in use by this process (pid ${process.pid})`);
  });

  it('takes over a stale lock left by a process that no longer runs, and releases it on close', async () => {
    const dir = tempDir();
    const gone = spawn(process.execPath, ['-e', '0']);
    const deadPid = gone.pid!;
    await new Promise((resolve) => gone.on('exit', resolve));
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid, host: (await import('node:os')).hostname() }));

    const database = await openEmbeddedDatabase(dir);
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await database.close();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a lock held by a process on another host (a shared volume), since it cannot tell if it runs', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 4242, host: 'api-7f9c-other-host' }));
    await expect(openEmbeddedDatabase(dir)).rejects.toThrow(`DATA_DIR ${dir} is in use by process 4242 on host api-7f9c-other-host`);
  });
});
