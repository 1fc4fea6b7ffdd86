/**
 * The web service's process as the image runs it (`node apps/web/serve.mjs` beside the standalone
 * server.js): configuration refused at start, origin-secret rotation, HEAD on health, the release
 * as health version, and a drain on SIGTERM that exits 0 and resets no keep-alive connection.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WEB } from './global-setup.js';
import { freePort } from '../../api/test/free-port.js';
import { keepAliveLoad } from '../../api/test/keep-alive-load.js';

const SERVE = path.join(WEB, '.next', 'standalone', 'apps', 'web', 'serve.mjs');
const children: ChildProcess[] = [];
afterEach(() => children.splice(0).forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL')));

async function startWeb(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVE], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOSTNAME: '127.0.0.1',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      API_URL: 'http://127.0.0.1:9',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const url = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) throw new Error(`web exited with ${child.exitCode}:\n${output}`);
      if (
        await fetch(`${url}/api/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`web not healthy in 20 s:\n${output}`);
  })();
  return { child, port, url, ready, exited, output: () => output };
}

const CURRENT = 'web-origin-secret-current-01';
const PREVIOUS = 'web-origin-secret-previous-01';

describe('web process (serve.mjs)', () => {
  it('refuses to start in production without ORIGIN_VERIFY_SECRET, or with a malformed one, saying why (exit 78)', async () => {
    const missing = await startWeb({});
    missing.ready.catch(() => undefined);
    expect((await missing.exited).code).toBe(78);
    expect(missing.output()).toContain(
      'ORIGIN_VERIFY_SECRET: is required in production (only the edge may reach the service) (found: not set)',
    );

    const short = await startWeb({ ORIGIN_VERIFY_SECRET: `${CURRENT},short` });
    short.ready.catch(() => undefined);
    expect((await short.exited).code).toBe(78);
    expect(short.output()).toContain(
      'ORIGIN_VERIFY_SECRET: must be "current" or "current,previous", each value at least 16 characters (found: a 28-character value, a 5-character value)',
    );
    expect(short.output()).not.toContain(CURRENT);
  });

  it('accepts the current and the previous secret, answers HEAD on health like GET, and reports APP_VERSION', async () => {
    const web = await startWeb({ ORIGIN_VERIFY_SECRET: `${CURRENT},${PREVIOUS}`, APP_VERSION: 'v3.2.1' });
    await web.ready;
    const page = (secret?: string) => fetch(web.url, { headers: secret ? { 'x-origin-verify': secret } : {} }).then((r) => r.status);
    expect(await page(CURRENT)).toBe(200);
    expect(await page(PREVIOUS)).toBe(200);
    expect(await page('web-origin-secret-other-0001')).toBe(403);
    expect(await page(`${CURRENT},${PREVIOUS}`)).toBe(403);
    expect(await page()).toBe(403);

    const get = await fetch(`${web.url}/api/health`);
    expect(await get.json()).toMatchObject({ status: 'ok', version: 'v3.2.1' });
    const head = await fetch(`${web.url}/api/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(head.headers.get('cache-control')).toBe('no-store');
    expect(await head.text()).toBe('');
    expect((await fetch(web.url, { method: 'HEAD' })).status).toBe(403);
  });

  it('drains on SIGTERM under keep-alive load: no connection reset, exit 0 within SHUTDOWN_TIMEOUT_MS', async () => {
    const web = await startWeb({ ORIGIN_VERIFY_SECRET: CURRENT, SHUTDOWN_TIMEOUT_MS: '8000' });
    await web.ready;

    // GIVEN 32 clients sending back-to-back requests on keep-alive connections
    const load = keepAliveLoad(web.port, '/api/health');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const okBefore = load.outcomes.ok;

    // WHEN SIGTERM arrives in the middle of it
    const sentAt = performance.now();
    web.child.kill('SIGTERM');
    const { code, signal, at } = await web.exited;
    await load.stop();

    // THEN every request on an open connection was answered, and the process exited 0 (not 143) in time
    expect(okBefore).toBeGreaterThan(50);
    expect(load.outcomes).toMatchObject({ resets: 0, other: [] });
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(at - sentAt).toBeLessThan(8000);
    expect(web.output()).toContain('SIGTERM: draining');
  });
});
