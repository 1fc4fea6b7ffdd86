/**
 * The API process under the two shutdowns issue 18 reproduced: a rolling update under keep-alive
 * load (no connection may be reset), and SIGTERM while PostgreSQL is frozen (SIGSTOP on the
 * backends of the pool's open connections: queries must time out, the process must still exit).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killApiProcesses, startApiProcess } from './api-process.js';
import { adminQuery, createPgDatabase, embeddedOnly, JWT_SECRET, NATIONAL_IDS, signIn } from './helpers.js';
import { keepAliveLoad } from './keep-alive-load.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  killApiProcesses();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startProcess = (env: Record<string, string>) => startApiProcess({ NODE_ENV: 'test', JWT_SECRET, SEED_DEMO: 'false', ...env });

/** The API at `port` over HTTP, as helpers.ts's signIn() asks an app. */
const overHttp = (port: number) => ({
  request: (p: string, init: RequestInit) => fetch(`http://127.0.0.1:${port}${p}`, init),
});

describe('API process shutdown', () => {
  it('resets no connection when SIGTERM arrives under keep-alive load', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'drop-api-drain-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let env: Record<string, string> = { DATA_DIR: dir };
    if (!embeddedOnly) {
      const db = await createPgDatabase();
      cleanups.push(() => db.drop());
      env = { DATABASE_URL: db.url };
    }
    const proc = startProcess({ ...env, SHUTDOWN_TIMEOUT_MS: '8000' });
    const port = await proc.listening;

    // GIVEN 32 clients sending back-to-back requests on keep-alive connections
    const load = keepAliveLoad(port, '/v1/health');
    // (under way: 100 answers, however long a loaded machine takes to give them, 15 s at most)
    for (let waited = 0; load.outcomes.ok <= 100 && waited < 15_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const okBefore = load.outcomes.ok;

    // WHEN SIGTERM arrives in the middle of it
    const sentAt = performance.now();
    proc.child.kill('SIGTERM');
    const { code, at } = await proc.exited;
    await load.stop();

    // THEN every request on an existing connection got its answer, and the process exited 0 in time
    expect(okBefore).toBeGreaterThan(100);
    expect(load.outcomes).toMatchObject({ resets: 0, other: [] });
    expect(code).toBe(0);
    expect(at - sentAt).toBeLessThan(8000);
  });

  it.skipIf(embeddedOnly)(
    'fails a query on a frozen database within the timeout, and exits on SIGTERM within SHUTDOWN_TIMEOUT_MS',
    async () => {
      const db = await createPgDatabase();
      cleanups.push(() => db.drop());
      const proc = startProcess({ DATABASE_URL: db.url, DATABASE_QUERY_TIMEOUT_MS: '1000', SHUTDOWN_TIMEOUT_MS: '3000' });
      const port = await proc.listening;
      const token = await signIn(overHttp(port), NATIONAL_IDS[0]);
      const list = () =>
        fetch(`http://127.0.0.1:${port}/v1/transactions`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(10_000),
        });
      expect((await list()).status).toBe(200);

      // GIVEN the server processes behind the pool's open connections are frozen
      const pids = (await adminQuery<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db.name])).map((r) => r.pid);
      expect(pids.length).toBeGreaterThan(0);
      pids.forEach((pid) => process.kill(pid, 'SIGSTOP'));
      cleanups.push(() => pids.forEach((pid) => process.kill(pid, 'SIGCONT')));

      // WHEN a request needs the database, THEN it fails within the query timeout (1 s + 1 s client
      // grace), as a 503 to retry (a query that did not finish in time), not a 500
      const began = performance.now();
      const res = await list();
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(performance.now() - began).toBeLessThan(3000);
      expect(proc.output()).toMatch(/overloaded [0-9a-f-]{36} on GET \/v1\/transactions: .*Query read timeout/);

      // WHEN SIGTERM arrives while the database is still frozen, THEN the process exits within SHUTDOWN_TIMEOUT_MS
      const pending = list().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const sentAt = performance.now();
      proc.child.kill('SIGTERM');
      const { at } = await proc.exited;
      expect(at - sentAt).toBeLessThan(3000 + 500);
      await pending;
    },
  );
});
