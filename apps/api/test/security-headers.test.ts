import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { SECURITY_HEADERS, corsPreflight } from '../src/security-headers.js';
import { embedded, testApp } from './helpers.js';

const ORIGIN_SECRET = 'origin-secret-0123456789abcdef';

describe('security headers on every answer of the API', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let base: string;
  let close: () => void;

  beforeAll(async () => {
    ({ database, cleanup } = await embedded.open());
    await database.migrate();
    // GIVEN the API behind @hono/node-server, as it runs, with origin verification on
    const app = testApp(database, { originVerifySecret: ORIGIN_SECRET });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(async () => {
    close();
    await cleanup();
  });

  const verified = { 'x-origin-verify': ORIGIN_SECRET };
  it.each([
    ['a health check (200)', '/v1/health', {}, 'GET', 200],
    ['a 404', '/v1/nowhere', verified, 'GET', 404],
    [
      'a CORS preflight',
      '/v1/transactions',
      { ...verified, origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
      'OPTIONS',
      204,
    ],
    ["the origin check's 403", '/v1/transactions', {}, 'GET', 403],
    ['an HTTPException (401 without a token)', '/v1/auth/me', verified, 'GET', 401],
    ['bad input (415)', '/v1/auth/bankid/start', { ...verified, 'content-type': 'text/plain' }, 'POST', 415],
  ] as const)('%s', async (_, path, headers, method, status) => {
    // WHEN
    const response = await fetch(`${base}${path}`, { method, headers, body: method === 'POST' ? 'x' : undefined });
    await response.arrayBuffer();
    // THEN
    expect(response.status).toBe(status);
    for (const [name, value] of SECURITY_HEADERS) expect(response.headers.get(name), name).toBe(value);
    // and its request id, the access log's and an error's reference (health checks, the engine's, have none)
    if (path === '/v1/health') expect(response.headers.get('x-request-id')).toBeNull();
    else expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('the CORS preflight', () => {
  const options = {
    origin: 'http://localhost:3000',
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    exposeHeaders: ['Idempotent-Replayed'],
    maxAge: 600,
  };
  // hono's own cors() on a bare app: the reference the API's fast preflight must match.
  const reference = new Hono().use('*', cors(options)).post('/v1/transactions', (c) => c.text('x'));
  const fast = new Hono().use('*', (c) => Promise.resolve(corsPreflight(options)(c)));

  it.each([
    ['the web origin', 'http://localhost:3000'],
    ['another origin', 'https://evil.example'],
  ])("answers %s exactly as hono's cors() does", async (_, origin) => {
    const request = () =>
      new Request('http://api/v1/transactions', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const [expected, actual] = await Promise.all([reference.fetch(request()), fast.fetch(request())]);
    expect(actual.status).toBe(expected.status);
    expect(Object.fromEntries(actual.headers)).toEqual(Object.fromEntries(expected.headers));
    expect(await actual.text()).toBe(await expected.text());
  });
});
