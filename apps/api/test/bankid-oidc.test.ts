/**
 * Live BankID sign-in (OpenID Connect, code flow with PKCE, state and nonce) against a real
 * OpenID provider (oidc-provider) started on 127.0.0.1, the API in-process on the embedded database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankIdOidc } from '../src/bankid-oidc.js';
import { DEFAULT_BANKID_ID_CLAIM, DEFAULT_BANKID_SCOPE } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { embedded, json, NATIONAL_IDS, testApp } from './helpers.js';
import { CLIENT_ID, CLIENT_SECRET, signInAtProvider, startProvider, type ProviderOptions, type TestProvider } from './oidc/harness.js';

const REDIRECT_URI = 'http://127.0.0.1:3000/api/auth/bankid/callback';

describe('live BankID sign-in against a local OpenID provider', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let provider: TestProvider;
  const logs: string[] = [];
  const providers: TestProvider[] = [];

  const start = async (options: Partial<ProviderOptions> = {}) => {
    const p = await startProvider({ redirectUri: REDIRECT_URI, ...options });
    providers.push(p);
    return p;
  };
  const liveApp = (issuer: string, idClaim = DEFAULT_BANKID_ID_CLAIM) =>
    testApp(database, {
      bankIdMock: false,
      bankId: new BankIdOidc({
        issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: REDIRECT_URI,
        scope: DEFAULT_BANKID_SCOPE,
        idClaim,
      }),
      log: (m) => logs.push(m),
    });
  type App = ReturnType<typeof liveApp>;

  const authorize = async (app: App) => {
    const res = await app.request('/v1/auth/bankid/authorize', { method: 'POST' });
    expect(res.status).toBe(201);
    return (await res.json()) as { flowId: string; authorizationUrl: string; expiresAt: string };
  };
  const callback = (app: App, flowId: string, url: URL) =>
    app.request('/v1/auth/bankid/callback', json({ flowId, params: Object.fromEntries(url.searchParams) }));

  beforeAll(async () => {
    ({ database, cleanup } = await embedded.open());
    await database.migrate();
    provider = await start();
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.stop()));
    await cleanup();
  });

  it('signs in end to end: PKCE S256, state and nonce sent; the national identity number from nnin_altsub', async () => {
    // GIVEN
    const app = liveApp(provider.issuer);
    // WHEN
    const flow = await authorize(app);
    const sent = new URL(flow.authorizationUrl);
    const back = await signInAtProvider(flow.authorizationUrl, NATIONAL_IDS[0], REDIRECT_URI);
    const res = await callback(app, flow.flowId, back);
    // THEN
    expect(sent.origin).toBe(provider.issuer);
    expect(Object.fromEntries(sent.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile nnin_altsub',
      code_challenge_method: 'S256',
    });
    for (const param of ['state', 'nonce', 'code_challenge']) expect(sent.searchParams.get(param)).toMatch(/^[\w-]{43,}$/);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'complete', user: { name: 'Nordmann, Kari' } });
    const me = await app.request('/v1/auth/me', { headers: { authorization: `Bearer ${body.token}` } });
    expect((await me.json()).user).toEqual(body.user);
  });

  it('answers which sign-in runs, and keeps the mock routes closed in live mode', async () => {
    const app = liveApp(provider.issuer);
    expect(await (await app.request('/v1/auth/bankid')).json()).toEqual({ mode: 'live' });
    const mock = await app.request('/v1/auth/bankid/start', json({ nationalId: NATIONAL_IDS[0] }));
    expect(mock.status).toBe(404);
    expect((await mock.json()).error.code).toBe('bankid_mock_disabled');
    expect((await testApp(database).request('/v1/auth/bankid/authorize', { method: 'POST' })).status).toBe(404);
  });

  it('refuses a callback whose state is not the one bound to this browser', async () => {
    const app = liveApp(provider.issuer);
    const mine = await authorize(app);
    const theirs = await authorize(app);
    const back = await signInAtProvider(theirs.authorizationUrl, NATIONAL_IDS[1], REDIRECT_URI);
    // The attacker's callback (their code and state) arrives in a browser holding another flow.
    const res = await callback(app, mine.flowId, back);
    expect(res.status).toBe(401);
    const { error } = await res.json();
    expect(error.code).toBe('bankid_rejected');
    // The client sees the code and a fixed message; what openid-client said goes to the log.
    expect(error.message).toBe('BankID sign-in was refused; start again');
    expect(logs.at(-1)).toMatch(/^bankid: sign-in failed \(rejected\): .*"state"/);
    expect(error).not.toHaveProperty('token');
  });

  it('refuses a replayed callback, and the issuer refuses a replayed code', async () => {
    const app = liveApp(provider.issuer);
    const flow = await authorize(app);
    const back = await signInAtProvider(flow.authorizationUrl, NATIONAL_IDS[0], REDIRECT_URI);
    expect((await callback(app, flow.flowId, back)).status).toBe(200);
    // The same callback again: the flow was consumed.
    const replay = await callback(app, flow.flowId, back);
    expect(replay.status).toBe(400);
    expect((await replay.json()).error.code).toBe('sign_in_expired');
    // The used code with a fresh flow's state reaches the issuer, which refuses it.
    const fresh = await authorize(app);
    const freshState = new URL(fresh.authorizationUrl).searchParams.get('state')!;
    const reused = new URL(back);
    reused.searchParams.set('state', freshState);
    const res = await callback(app, fresh.flowId, reused);
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toBe('BankID sign-in was refused; start again');
    expect(logs.at(-1)).toMatch(/invalid_grant/);
  });

  it('completes one of two concurrent callbacks of one flow', async () => {
    const app = liveApp(provider.issuer);
    const flow = await authorize(app);
    const back = await signInAtProvider(flow.authorizationUrl, NATIONAL_IDS[0], REDIRECT_URI);
    const statuses = (await Promise.all([callback(app, flow.flowId, back), callback(app, flow.flowId, back)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400]);
  });

  it('refuses an ID token whose nonce is not the one sent', async () => {
    const app = liveApp(provider.issuer);
    const flow = await authorize(app);
    // The front channel was tampered with: the provider sees (and signs) another nonce.
    const tampered = new URL(flow.authorizationUrl);
    tampered.searchParams.set('nonce', 'a-nonce-this-api-never-sent-0123456789abcdef');
    const back = await signInAtProvider(tampered.href, NATIONAL_IDS[0], REDIRECT_URI);
    const res = await callback(app, flow.flowId, back);
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toBe('BankID sign-in was refused; start again');
    expect(logs.at(-1)).toMatch(/nonce/);
  });

  it('refuses an expired ID token', async () => {
    // The provider's clock runs two hours behind: its one-hour ID tokens expired an hour ago.
    const slow = await start({ clockOffsetSeconds: -7200 });
    const app = liveApp(slow.issuer);
    const flow = await authorize(app);
    const back = await signInAtProvider(flow.authorizationUrl, NATIONAL_IDS[0], REDIRECT_URI);
    const res = await callback(app, flow.flowId, back);
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toBe('BankID sign-in was refused; start again');
    expect(logs.at(-1)).toMatch(/"exp"/);
  });

  it('refuses an ID token signed by a key the issuer does not publish', async () => {
    const rogue = await start({ foreignJwks: true });
    const app = liveApp(rogue.issuer);
    const flow = await authorize(app);
    const back = await signInAtProvider(flow.authorizationUrl, NATIONAL_IDS[0], REDIRECT_URI);
    const res = await callback(app, flow.flowId, back);
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toBe('BankID sign-in was refused; start again');
    expect(logs.at(-1)).toMatch(/signature/i);
  });

  it('answers 503 when the issuer is down, at discovery and at the code exchange, and recovers', async () => {
    const flaky = await start();
    const app = liveApp(flaky.issuer);
    const flow = await authorize(app);
    const back = await signInAtProvider(flow.authorizationUrl, NATIONAL_IDS[0], REDIRECT_URI);
    await flaky.stop();
    const exchange = await callback(app, flow.flowId, back);
    expect(exchange.status).toBe(503);
    expect((await exchange.json()).error.code).toBe('bankid_unavailable');

    const cold = liveApp(flaky.issuer);
    const discovery = await cold.request('/v1/auth/bankid/authorize', { method: 'POST' });
    expect(discovery.status).toBe(503);
    expect(logs.some((l) => /discovery failed/.test(l))).toBe(true);

    // Discovery failures are not cached: once the issuer is back, sign-in works.
    const back2 = await start({ port: flaky.port });
    expect((await cold.request('/v1/auth/bankid/authorize', { method: 'POST' })).status).toBe(201);
    await back2.stop();
  });

  it('answers 502 when the ID token lacks the national identity number, naming the claim in the log', async () => {
    const app = liveApp(provider.issuer, 'nnin');
    const flow = await authorize(app);
    const back = await signInAtProvider(flow.authorizationUrl, NATIONAL_IDS[0], REDIRECT_URI);
    const res = await callback(app, flow.flowId, back);
    expect(res.status).toBe(502);
    expect((await res.json()).error).toEqual({
      code: 'bankid_claim_missing',
      message: 'BankID did not return the national identity number; contact support',
    });
    expect(logs.at(-1)).toContain('"nnin" claim (BANKID_ID_CLAIM)');
  });

  it('refuses a callback without a flow from this browser, or with unknown parameters', async () => {
    const app = liveApp(provider.issuer);
    const none = await app.request(
      '/v1/auth/bankid/callback',
      json({ flowId: '8c6f0b4e-4f8e-4b7a-9d3c-2a1e5f6b7c8d', params: { code: 'x', state: 'y' } }),
    );
    expect(none.status).toBe(400);
    expect((await none.json()).error.code).toBe('sign_in_expired');
    const bad = await app.request('/v1/auth/bankid/callback', json({ flowId: 'nope', params: { code: 'x', token: 'y' } }));
    expect(bad.status).toBe(400);
    const issues = (await bad.json()).error.issues.map((i: { path: string }) => i.path);
    expect(issues).toContain('flowId');
    expect(issues.some((p: string) => p.startsWith('params'))).toBe(true);
  });
});
