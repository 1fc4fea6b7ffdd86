/**
 * The access log (one redacted JSON line per request: request id, method, route, status,
 * duration), the request id on every answer, and what health shows without the edge's header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { embedded, json, NATIONAL_IDS, signIn, testApp } from './helpers.js';

const ORIGIN_SECRET = 'origin-secret-0123456789abcdef';

let database: Database;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ database, cleanup } = await embedded.open());
  await database.migrate();
});
afterAll(() => cleanup());

describe('the access log', () => {
  it('writes one line per request with its id, method, route pattern, status and duration, redacted', async () => {
    // GIVEN
    const lines: string[] = [];
    const app = testApp(database, { accessLog: (line) => lines.push(line) });
    const token = await signIn(app, NATIONAL_IDS[0]);
    lines.length = 0;
    // WHEN a request with a national id in its path, a list, a 404, and health are served
    const res = await app.request(`/v1/transactions?limit=5&nationalId=${NATIONAL_IDS[1]}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await app.request(`/v1/users/${NATIONAL_IDS[1]}`);
    await app.request('/v1/health');
    // THEN two lines: the route's pattern (never its path or query), no national id; health is not logged
    const logged = lines.map((l) => JSON.parse(l));
    expect(logged).toEqual([
      {
        type: 'access',
        requestId: res.headers.get('x-request-id'),
        method: 'GET',
        route: '/v1/transactions',
        status: 200,
        durationMs: expect.any(Number),
      },
      {
        type: 'access',
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        method: 'GET',
        route: '(no route)',
        status: 404,
        durationMs: expect.any(Number),
      },
    ]);
    expect(lines.join('\n')).not.toContain(NATIONAL_IDS[1]);
  });

  it('keeps a request id the web app passes on, and replaces one that is not an id', async () => {
    const app = testApp(database, { accessLog: () => undefined });
    const kept = await app.request('/v1/auth/bankid', { headers: { 'x-request-id': 'web-3f2a9c1e-0001' } });
    expect(kept.headers.get('x-request-id')).toBe('web-3f2a9c1e-0001');
    const replaced = await app.request('/v1/auth/bankid', { headers: { 'x-request-id': 'not an id; drop table' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves health checks to their own log line, and answers errors with the request id as their reference', async () => {
    const lines: string[] = [];
    const logged: string[] = [];
    const failing = { ...database, ping: () => Promise.reject(new Error('down')) } as Database;
    const app = testApp(failing, { accessLog: (line) => lines.push(line), log: (line) => logged.push(line) });
    expect((await app.request('/v1/health')).status).toBe(503);
    expect(lines).toEqual([]);
    expect(logged).toEqual([expect.stringMatching(/^health: database check failed: Error: down/)]);
    const bad = await app.request('/v1/auth/bankid/start', json({ nationalId: '1' }));
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('health without the edge’s header', () => {
  it('answers only its status; with the header, version, uptime and latency', async () => {
    const app = testApp(database, { originVerifySecret: ORIGIN_SECRET });
    const bare = await app.request('/v1/health');
    expect(bare.status).toBe(200);
    expect(await bare.json()).toEqual({ status: 'ok' });
    const wrong = await app.request('/v1/health', { headers: { 'x-origin-verify': 'not-the-secret-0000' } });
    expect(await wrong.json()).toEqual({ status: 'ok' });
    const edge = await app.request('/v1/health', { headers: { 'x-origin-verify': ORIGIN_SECRET } });
    expect(Object.keys(await edge.json()).sort()).toEqual(['db', 'dbLatencyMs', 'status', 'timestamp', 'uptime', 'version']);
  });

  it('says only "error" when the database is down', async () => {
    const failing = { ...database, ping: () => Promise.reject(new Error('down')) } as Database;
    const res = await testApp(failing, { originVerifySecret: ORIGIN_SECRET }).request('/v1/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'error' });
  });
});
