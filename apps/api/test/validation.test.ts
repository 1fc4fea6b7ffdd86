/**
 * The routes validate with @hono/zod-validator and still answer bad input as they always did:
 * 415 for another content type, a JSON 400 for malformed JSON (hono's validator alone would read
 * the first as `{}` and answer the second in plain text), and a 400 whose message and issues name
 * every field. And the app's type (AppType) drives hono's typed client, as the web app uses it.
 */
import { hc } from 'hono/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppType } from '../src/app.js';
import { NATIONAL_IDS, embedded, json, openSignedIn, type testApp } from './helpers.js';

describe('request validation', () => {
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof testApp>;
  let token: string;

  beforeAll(async () => {
    ({ cleanup, app, token } = await openSignedIn(embedded));
  });
  afterAll(() => cleanup());

  const auth = () => ({ authorization: `Bearer ${token}` });
  const errorOf = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), body: await res.json() });

  it.each([
    ['/v1/transactions', { 'idempotency-key': 'k-415' }],
    ['/v1/auth/bankid/start', {}],
    ['/v1/auth/bankid/collect', {}],
  ])('answers 415 unsupported_media_type for a body that is not JSON on %s', async (path, headers) => {
    const res = await app.request(path, { method: 'POST', headers: { ...auth(), ...headers, 'content-type': 'text/plain' }, body: '{}' });
    expect(await errorOf(res)).toEqual({
      status: 415,
      type: 'application/json',
      body: { error: { code: 'unsupported_media_type', message: 'Content-Type must be application/json (found: "text/plain")' } },
    });
    // Bytes, not a string: a string body gets `text/plain;charset=UTF-8` from Request itself.
    const none = await app.request(path, { method: 'POST', headers: { ...auth(), ...headers }, body: new TextEncoder().encode('{}') });
    expect((await none.json()).error.message).toBe('Content-Type must be application/json (found: "none")');
  });

  it('answers malformed JSON with a JSON 400 invalid_json', async () => {
    const res = await app.request('/v1/transactions', {
      method: 'POST',
      headers: { ...auth(), 'idempotency-key': 'k-json', 'content-type': 'application/json' },
      body: '{"amountMinor":',
    });
    expect(await errorOf(res)).toEqual({
      status: 400,
      type: 'application/json',
      body: { error: { code: 'invalid_json', message: 'The request body is not valid JSON' } },
    });
  });

  it('names the Idempotency-Key header, with the value as the issue path', async () => {
    const res = await app.request('/v1/transactions', json({ amountMinor: 100, currency: 'NOK', description: 'x' }, auth()));
    const required = 'is required: send a unique Idempotency-Key header per transaction, and the same one when retrying';
    expect((await errorOf(res)).body).toEqual({
      error: {
        code: 'invalid_request',
        message: `Invalid Idempotency-Key header: (root): ${required}`,
        issues: [{ path: '(root)', message: required }],
      },
    });
    const long = await app.request(
      '/v1/transactions',
      json({ amountMinor: 100, currency: 'NOK', description: 'x' }, { ...auth(), 'idempotency-key': 'x'.repeat(256) }),
    );
    expect((await long.json()).error.message).toBe('Invalid Idempotency-Key header: (root): must be 1 to 255 visible ASCII characters');
  });

  it('lists every invalid field of a body in the message and the issues', async () => {
    const res = await app.request(
      '/v1/transactions',
      json({ amountMinor: 0, currency: 'USD', description: 'x' }, { ...auth(), 'idempotency-key': 'k-fields' }),
    );
    expect(await errorOf(res)).toEqual({
      status: 400,
      type: 'application/json',
      body: {
        error: {
          code: 'invalid_request',
          message: 'Invalid transaction: amountMinor: must not be zero; currency: must be one of NOK, SEK, DKK, EUR',
          issues: [
            { path: 'amountMinor', message: 'must not be zero' },
            { path: 'currency', message: 'must be one of NOK, SEK, DKK, EUR' },
          ],
        },
      },
    });
    const start = await app.request('/v1/auth/bankid/start', json({ nationalId: '123' }));
    expect((await start.json()).error.message).toBe(
      'Invalid BankID start request: nationalId: must be an 11-digit Norwegian national identity number with valid check digits',
    );
    const list = await app.request('/v1/transactions?limit=0', { headers: auth() });
    expect((await list.json()).error.message).toMatch(/^Invalid query: limit: /);
  });

  it('serves the typed client (hc<AppType>) the web app calls it with', async () => {
    const client = hc<AppType>('http://api.test', { fetch: (input: RequestInfo | URL, init?: RequestInit) => app.request(input, init) });
    const start = await client.v1.auth.bankid.start.$post({ json: { nationalId: NATIONAL_IDS[1] } });
    expect(start.status).toBe(201);
    const { orderRef } = await start.json();
    const collect = await client.v1.auth.bankid.collect.$post({ json: { orderRef } });
    const signedIn = await collect.json();
    expect(signedIn.status).toBe('complete');
    const headers = { authorization: `Bearer ${signedIn.token}` };
    const created = await client.v1.transactions.$post(
      { json: { amountMinor: -250, currency: 'SEK', description: 'Typed' }, header: { 'idempotency-key': 'typed-1' } },
      { headers },
    );
    expect(created.status).toBe(201);
    const list = await client.v1.transactions.$get({ query: { limit: '5' } }, { headers });
    const { transactions } = await list.json();
    expect(transactions.map((t) => [t.amountMinor, t.currency, t.description])).toEqual([[-250, 'SEK', 'Typed']]);
    const me = await client.v1.auth.me.$get(undefined, { headers });
    expect((await me.json()).user.name).toBe(signedIn.user.name);
  });
});
