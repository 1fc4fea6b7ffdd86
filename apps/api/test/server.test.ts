/**
 * The API as a process, started as `npm run api` starts it: refusing bad configuration, and
 * draining on SIGTERM (new connections refused, the request in flight answered, exit 0).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET } from '../src/config.js';
import { killApiProcesses, SERVER, startApiProcess } from './api-process.js';
import { backends, createPgDatabase, JWT_SECRET } from './helpers.js';

const dirs: string[] = [];

afterEach(() => {
  killApiProcesses();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function environmentFor(name: string): Promise<Record<string, string>> {
  if (name === 'embedded') {
    const dir = mkdtempSync(path.join(tmpdir(), 'drop-api-proc-'));
    dirs.push(dir);
    return { DATA_DIR: dir };
  }
  const db = await createPgDatabase();
  return { DATABASE_URL: db.url };
}

describe('API process', () => {
  it.each([
    [
      'the development JWT secret',
      { NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET },
      'JWT_SECRET: must not be the development secret in a deployed instance (NODE_ENV=production)',
    ],
    [
      'mock BankID',
      {
        NODE_ENV: 'production',
        DROP_ENV: 'staging',
        JWT_SECRET: 'a-production-secret-from-secrets-manager',
        APP_URL: 'https://staging.getdrop.no',
      },
      'BANKID_MOCK: must not be "true" in a deployed instance (NODE_ENV=production, DROP_ENV=staging): mock sign-in is for development only',
    ],
    // The pen-test's start: the environment's signs and a database, and no NODE_ENV at all.
    [
      'mock BankID and no NODE_ENV',
      { DROP_ENV: 'production', DROP_TIER: 'production', JWT_SECRET: 'a-production-secret-from-secrets-manager' },
      'BANKID_MOCK: must not be "true" in a deployed instance (DROP_ENV=production, DROP_TIER=production): mock sign-in is for development only',
    ],
  ])('refuses to start deployed with %s, saying why', async (_what, env: Record<string, string>, expected) => {
    const proc = startApiProcess({
      DATABASE_URL: 'postgres://db:5432/drop',
      APP_URL: 'https://getdrop.no',
      BANKID_MOCK: 'true',
      DATABASE_CA_FILE: SERVER,
      ...env,
    });
    proc.listening.catch(() => undefined);
    expect((await proc.exited).code).toBe(78);
    expect(proc.output()).toContain(expected);
  });

  it.each(backends.map((b) => b.name))(
    'drains on SIGTERM: finishes the request in flight, refuses new ones, exits 0 (%s)',
    async (name) => {
      const proc = startApiProcess({ NODE_ENV: 'test', JWT_SECRET, SHUTDOWN_TIMEOUT_MS: '10000', ...(await environmentFor(name)) });
      const port = await proc.listening;

      // GIVEN a request in flight: headers sent, body still arriving
      const body = JSON.stringify({ nationalId: '31129945616' });
      const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            port,
            method: 'POST',
            path: '/v1/auth/bankid/start',
            headers: { 'content-type': 'application/json', 'content-length': body.length },
          },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode!, body: text }));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => req.end(body.slice(10)), 700);
      });
      await new Promise((resolve) => setTimeout(resolve, 200));

      // WHEN SIGTERM arrives
      proc.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 200));

      // THEN new connections are refused, the request in flight is answered, and the process exits 0
      await expect(fetch(`http://127.0.0.1:${port}/v1/health`)).rejects.toThrow();
      const answered = await inFlight;
      expect(answered.status).toBe(201);
      expect(JSON.parse(answered.body).status).toBe('pending');
      expect((await proc.exited).code).toBe(0);
      expect(proc.output()).toContain('SIGTERM: draining');
      expect(proc.output()).toContain('stopped');
      // The embedded database's first start (initdb, migrations) alone can take 20 s on a loaded machine.
    },
    60_000,
  );
});
