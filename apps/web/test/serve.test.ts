/**
 * The web service's process as the image runs it (`node apps/web/serve.mjs` beside the standalone
 * server.js): configuration refused at start, origin-secret rotation, HEAD on health, the release
 * as health version, and a drain on SIGTERM that exits 0 and resets no keep-alive connection.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { keepAliveLoad } from '@drop/api/test/keep-alive-load';
import { killWebProcesses, SERVE, startWeb } from './web-process.js';

afterEach(killWebProcesses);

/** serve.mjs, with an API that is not there unless a test names one. */
const startServe = (env: Record<string, string>) => startWeb(SERVE, { API_URL: 'http://127.0.0.1:9', ...env });

const CURRENT = 'web-origin-secret-current-01';
const PREVIOUS = 'web-origin-secret-previous-01';

describe('web process (serve.mjs)', () => {
  it('refuses to start in production without ORIGIN_VERIFY_SECRET, or with a malformed one, saying why (exit 78)', async () => {
    const missing = await startServe({});
    missing.ready.catch(() => undefined);
    expect((await missing.exited).code).toBe(78);
    expect(missing.output()).toContain(
      'ORIGIN_VERIFY_SECRET: is required in a deployed instance (NODE_ENV=production) (only the edge may reach the service) (found: not set)',
    );
    // Deployed means strict whatever NODE_ENV says: DROP_ENV alone is a sign.
    const unlabelled = await startServe({ NODE_ENV: 'development', DROP_ENV: 'staging' });
    unlabelled.ready.catch(() => undefined);
    expect((await unlabelled.exited).code).toBe(78);
    expect(unlabelled.output()).toContain('ORIGIN_VERIFY_SECRET: is required in a deployed instance (DROP_ENV=staging)');

    const short = await startServe({ ORIGIN_VERIFY_SECRET: `${CURRENT},short` });
    short.ready.catch(() => undefined);
    expect((await short.exited).code).toBe(78);
    expect(short.output()).toContain(
      'ORIGIN_VERIFY_SECRET: must be "current" or "current,previous", each value at least 16 characters (found: a 28-character value, a 5-character value)',
    );
    expect(short.output()).not.toContain(CURRENT);
  });

  it('accepts the current and the previous secret, answers HEAD on health like GET, and reports APP_VERSION', async () => {
    const web = await startServe({ ORIGIN_VERIFY_SECRET: `${CURRENT},${PREVIOUS}`, APP_VERSION: 'v3.2.1' });
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
    const web = await startServe({ ORIGIN_VERIFY_SECRET: CURRENT, SHUTDOWN_TIMEOUT_MS: '8000' });
    await web.ready;

    // GIVEN 32 clients sending back-to-back requests on keep-alive connections
    const load = keepAliveLoad(web.port, '/api/health');
    // (under way: 50 answers, however long a loaded machine takes to give them, 15 s at most)
    for (let waited = 0; load.outcomes.ok <= 50 && waited < 15_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
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

  it('answers 413 to a body over 1 MiB before Next reads it, declared or chunked, and serves a small one', async () => {
    const web = await startServe({ ORIGIN_VERIFY_SECRET: CURRENT });
    await web.ready;
    const post = (body: BodyInit, headers: Record<string, string> = {}) =>
      fetch(`${web.url}/api/auth/sign-out`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'x-origin-verify': CURRENT, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
        duplex: 'half',
      } as RequestInit);
    const big = 'csrf=' + 'x'.repeat(2 * 1024 * 1024);
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(await declared.text()).toBe('Payload too large: a request body may hold at most 1048576 bytes');
    // A stream has no Content-Length: it goes chunked, and is cut off as it passes the limit.
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(512 * 1024)));
        controller.close();
      },
    });
    const chunked = await post(chunks).then(
      (r) => r.status,
      () => 'reset',
    );
    expect([413, 'reset']).toContain(chunked);
    // A form of ordinary size reaches the route (403: no CSRF token).
    expect((await post('csrf=x')).status).toBe(403);
  });

  it('closes a connection whose headers do not arrive within 10 s (slow clients hold no socket)', { timeout: 30_000 }, async () => {
    const web = await startServe({ ORIGIN_VERIFY_SECRET: CURRENT });
    await web.ready;
    // GIVEN a client that sends half a request line and then nothing
    const socket = connect(web.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const began = performance.now();
    socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
    // THEN the server answers 408 and closes within the headers timeout (+ the 1 s check)
    let answer = '';
    socket.on('data', (d) => (answer += d));
    await new Promise((resolve) => socket.once('close', resolve));
    const held = performance.now() - began;
    expect(held).toBeGreaterThan(9_000);
    expect(held).toBeLessThan(12_500);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
