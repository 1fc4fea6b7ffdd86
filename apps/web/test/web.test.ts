/**
 * The built standalone server (as the image runs it) in headless Chromium (@sparticuz/chromium from
 * npm, or CHROMIUM_PATH), driven by playwright-core, against a real API on the embedded database:
 * mock sign-in, and live sign-in against a real OpenID provider.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@drop/api/config';
import { startApi, type RunningApi } from '@drop/api/server';
import { CLIENT_ID, CLIENT_SECRET, startProvider, type TestProvider } from '@drop/api/test/oidc/harness';
import { startSentrySink, type SentrySink } from '@drop/api/test/sentry-sink';
import { launchChromium, type LaunchedChromium } from './browser.js';
import { SERVER, startWeb } from './web-process.js';
import { freePort } from '@drop/api/test/free-port';

const ORIGIN_SECRET = 'web-origin-secret-0123456789';

/** The standalone server.js, once healthy. */
async function startServer(env: Record<string, string>) {
  const web = await startWeb(SERVER, env, 10);
  await web.ready;
  return web;
}

/** The API token lives in an HttpOnly, Secure, SameSite=Strict cookie, and nowhere a script can read. */
async function expectTokenOnlyInHttpOnlyCookie(context: BrowserContext, page: Page) {
  const session = (await context.cookies()).find((c) => c.name === '__Host-drop-session');
  expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
  expect(session!.value).toMatch(/^ey/);
  const visible = await page.evaluate(() => ({
    session: Object.fromEntries(Object.entries(sessionStorage)),
    local: Object.fromEntries(Object.entries(localStorage)),
    cookie: document.cookie,
  }));
  expect(JSON.stringify(visible)).not.toContain(session!.value.slice(0, 20));
  expect(visible).toEqual({ session: {}, local: {}, cookie: '' });
}

/** Console reports of anything the Content-Security-Policy blocked. */
function cspViolations(page: Page): string[] {
  const found: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) found.push(message.text());
  });
  return found;
}

/** DROP_TEST_NO_BROWSER=1 says on purpose that this run has no Chromium (the Dockerfile's test stage on Alpine, where the npm build of Chromium does not run). */
const noBrowser = process.env.DROP_TEST_NO_BROWSER === '1';

describe.skipIf(noBrowser)('web (standalone build, headless Chromium)', () => {
  let api: RunningApi;
  let web: { url: string; child: ChildProcess; output(): string };
  let chromium: LaunchedChromium;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    const webPort = await freePort();
    dataDir = mkdtempSync(path.join(tmpdir(), 'drop-web-test-'));
    api = await startApi(
      loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, APP_URL: `http://127.0.0.1:${webPort}`, SEED_DEMO: 'true' }),
      {
        hostname: '127.0.0.1',
      },
    );
    web = await startServer({ PORT: String(webPort), API_URL: `http://127.0.0.1:${api.port}` });
    chromium = await launchChromium();
    browser = chromium.browser;
  });

  afterAll(async () => {
    await chromium?.close();
    web?.child.kill('SIGTERM');
    await api?.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves its health route', async () => {
    const res = await fetch(`${web.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', version: '0.1.0' });
  });

  it('shows the landing page with the build-time service mode', async () => {
    const page = await browser.newPage();
    await page.goto(web.url);
    expect(await page.locator('h1').textContent()).toBe('Money between friends, settled in seconds');
    expect(await page.locator('[role=status]').getAttribute('data-mode')).toBe('demo');
    await page.close();
  });

  it('signs in with (mocked) BankID through the API and lists the demo transactions', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = cspViolations(page);
    await page.goto(web.url);
    await page.getByRole('link', { name: 'Sign in with BankID' }).click();
    await page.waitForURL('**/sign-in');
    await page.getByLabel('National identity number (11 digits)').fill('150585 34541');
    await page.getByRole('button', { name: 'Continue with BankID' }).click();
    await page.getByText('Signed in as Demo user 4541').waitFor({ timeout: 10_000 });
    const rows = await page.locator('.transactions li').allTextContents();
    expect(rows).toHaveLength(3);
    expect(rows.join('|').replace(/\s/g, ' ')).toMatch(/Salary.*42 500,00 kr/);
    await expectTokenOnlyInHttpOnlyCookie(context, page);
    expect(violations).toEqual([]);
    // Sign out (a CSRF-protected POST) forgets the session, and the API revokes its token.
    const token = (await context.cookies()).find((c) => c.name === '__Host-drop-session')!.value;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('National identity number (11 digits)').waitFor();
    expect((await context.cookies()).some((c) => c.name === '__Host-drop-session')).toBe(false);
    const replayed = await fetch(`http://127.0.0.1:${api.port}/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(replayed.status).toBe(401);
    expect((await replayed.json()).error.message).toBe('This session was signed out; sign in again');
    await context.close();
  });

  it("shows the API's message when the national identity number is refused", async () => {
    const page = await browser.newPage();
    await page.goto(`${web.url}/sign-in`);
    await page.getByLabel('National identity number (11 digits)').fill('12345678901');
    await page.getByRole('button', { name: 'Continue with BankID' }).click();
    const alert = page.locator('p.error[role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/nationalId: must be an 11-digit Norwegian national identity number/);
    await page.close();
  });

  it('with ORIGIN_VERIFY_SECRET, refuses requests without the edge header but not its health route', async () => {
    const guarded = await startServer({
      PORT: String(await freePort()),
      API_URL: `http://127.0.0.1:${api.port}`,
      ORIGIN_VERIFY_SECRET: ORIGIN_SECRET,
    });
    try {
      expect((await fetch(guarded.url)).status).toBe(403);
      expect((await fetch(guarded.url, { headers: { 'x-origin-verify': 'wrong' } })).status).toBe(403);
      expect((await fetch(guarded.url, { headers: { 'x-origin-verify': ORIGIN_SECRET } })).status).toBe(200);
      expect((await fetch(`${guarded.url}/api/health`)).status).toBe(200);
    } finally {
      guarded.child.kill('SIGTERM');
    }
  });
  it('calls an API that requires the edge header with its ORIGIN_VERIFY_SECRET (API_URL may skip the edge)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'drop-web-guarded-'));
    const guardedApi = await startApi(
      loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dir, SEED_DEMO: 'false', ORIGIN_VERIFY_SECRET: ORIGIN_SECRET }),
      { hostname: '127.0.0.1' },
    );
    const guardedWeb = await startServer({
      PORT: String(await freePort()),
      API_URL: `http://127.0.0.1:${guardedApi.port}`,
      ORIGIN_VERIFY_SECRET: ORIGIN_SECRET,
    });
    try {
      const page = await browser.newPage({ extraHTTPHeaders: { 'x-origin-verify': ORIGIN_SECRET } });
      await page.goto(`${guardedWeb.url}/sign-in`);
      // The mock form shows only when the API answered GET /v1/auth/bankid.
      await page.getByLabel('National identity number (11 digits)').waitFor({ timeout: 10_000 });
      await page.close();
    } finally {
      guardedWeb.child.kill('SIGTERM');
      await guardedApi.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends the security headers, with a fresh CSP nonce per response that its scripts carry', async () => {
    const [a, b] = await Promise.all([fetch(`${web.url}/`), fetch(`${web.url}/sign-in`)]);
    for (const res of [a, b]) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\).*geolocation=\(\).*microphone=\(\)/);
      expect(res.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
    }
    const nonceOf = (res: Response) => /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')![1];
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    const html = await a.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonceOf(a)}"`);
  });

  it('refuses state-changing requests without the CSRF token or from another site', async () => {
    // GIVEN a CSRF cookie from a first visit
    const first = await fetch(`${web.url}/sign-in`);
    const csrf = /__Host-drop-csrf=([^;]+)/.exec(first.headers.getSetCookie().join('\n'))![1];
    const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${web.url}/api/auth/sign-out`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `__Host-drop-csrf=${csrf}`, ...headers },
        body: new URLSearchParams(fields).toString(),
      });
    // WHEN / THEN
    expect((await post({})).status).toBe(403);
    expect((await post({ csrf: 'forged' })).status).toBe(403);
    const crossSite = await post({ csrf }, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain('cross-site');
    expect((await post({ csrf }, { 'sec-fetch-site': 'same-origin' })).status).toBe(303);
    const mock = await fetch(`${web.url}/api/auth/mock`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ nationalId: '15058534541' }),
    });
    expect(mock.status).toBe(403);
    expect(mock.headers.getSetCookie().some((c) => c.startsWith('__Host-drop-session'))).toBe(false);
  });

  describe('client mistakes are 4xx, never 500', () => {
    const csrfCookie = async () =>
      /__Host-drop-csrf=([^;]+)/.exec((await fetch(`${web.url}/sign-in`)).headers.getSetCookie().join('\n'))![1];

    it.each([
      ['text/plain', 'text/plain', 'csrf=x', 415],
      ['JSON', 'application/json', '{"csrf":"x"}', 415],
      ['malformed multipart', 'multipart/form-data; boundary=drop', '--drop\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nx', 400],
    ])('answers sign-out with a %s body %i', async (_, type, body, status) => {
      const csrf = await csrfCookie();
      for (const route of ['/api/auth/sign-out', '/api/auth/mock']) {
        const res = await fetch(`${web.url}${route}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': type, cookie: `__Host-drop-csrf=${csrf}` },
          body,
        });
        expect(res.status, route).toBe(status);
      }
    });

    it('treats a session cookie holding %0d%0a as no session: the sign-in page, not a 500, and no forged log line', async () => {
      const res = await fetch(`${web.url}/sign-in`, { headers: { cookie: '__Host-drop-session=abc%0d%0aforged-log-line: 1' } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('National identity number');
      const signOut = await fetch(`${web.url}/api/auth/sign-out`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: '__Host-drop-session=abc%0d%0aforged-log-line: 1' },
        body: 'csrf=x',
      });
      expect(signOut.status).toBe(403);
      expect(web.output()).not.toMatch(/^forged-log-line/m);
    });
  });

  describe('live BankID against a local OpenID provider', () => {
    let provider: TestProvider;
    let liveApi: RunningApi;
    let liveWeb: { url: string; child: ChildProcess };
    let liveDir: string;

    beforeAll(async () => {
      const port = await freePort();
      // The browser meets the web app at localhost and the provider at 127.0.0.1: two sites, as
      // with BankID, so the SameSite rules of the cookies are exercised.
      const webUrl = `http://localhost:${port}`;
      const callbackUrl = `${webUrl}/api/auth/bankid/callback`;
      provider = await startProvider({ redirectUri: callbackUrl });
      liveDir = mkdtempSync(path.join(tmpdir(), 'drop-web-live-'));
      liveApi = await startApi(
        loadConfig({
          NODE_ENV: 'test',
          PORT: '0',
          DATA_DIR: liveDir,
          APP_URL: webUrl,
          SEED_DEMO: 'false',
          BANKID_MOCK: 'false',
          BANKID_ISSUER: provider.issuer,
          BANKID_CLIENT_ID: CLIENT_ID,
          BANKID_CLIENT_SECRET: CLIENT_SECRET,
          BANKID_CALLBACK_URL: callbackUrl,
        }),
        { hostname: '127.0.0.1' },
      );
      liveWeb = await startServer({ PORT: String(port), API_URL: `http://127.0.0.1:${liveApi.port}` });
      liveWeb = { ...liveWeb, url: webUrl };
    });
    afterAll(async () => {
      liveWeb?.child.kill('SIGTERM');
      await liveApi?.shutdown();
      await provider?.stop();
      rmSync(liveDir, { recursive: true, force: true });
    });

    it('signs in end to end: BankID login page, callback, session cookie, transactions page', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const violations = cspViolations(page);
      await page.goto(`${liveWeb.url}/sign-in`);
      await page.getByRole('link', { name: 'Continue with BankID' }).click();
      // The provider's login page (oidc-provider's interaction), on the issuer's own origin.
      await page.waitForURL(`${provider.issuer}/interaction/**`);
      const flow = (await context.cookies()).find((c) => c.name === '__Host-drop-bankid-flow');
      expect(flow).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
      await page.locator('input[name=login]').fill('31129945616');
      await page.locator('input[name=password]').fill('any');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.getByText('Signed in as Nordmann, Kari').waitFor({ timeout: 15_000 });
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      expect(await page.getByText('No transactions yet.').count()).toBe(1);
      await expectTokenOnlyInHttpOnlyCookie(context, page);
      expect((await context.cookies()).some((c) => c.name === '__Host-drop-bankid-flow')).toBe(false);
      expect(violations).toEqual([]);
      await context.close();
    });

    it('refuses a callback whose state was not started in this browser', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${liveWeb.url}/sign-in`);
      await page.getByRole('link', { name: 'Continue with BankID' }).click();
      await page.waitForURL(`${provider.issuer}/interaction/**`);
      // Another browser's callback (a forged state) arrives in this one.
      await page.goto(
        `${liveWeb.url}/api/auth/bankid/callback?code=stolen-code&state=forged-state&iss=${encodeURIComponent(provider.issuer)}`,
      );
      const alert = page.locator('p.error[role=alert]');
      await alert.waitFor();
      // The API's fixed message: what openid-client said about the state stays in the API's log.
      expect(await alert.textContent()).toBe('BankID sign-in was refused; start again');
      expect((await context.cookies()).some((c) => c.name === '__Host-drop-session')).toBe(false);
      await context.close();
    });
  });

  describe('error reports (Sentry)', () => {
    let sink: SentrySink;
    let reporting: { url: string; child: ChildProcess };

    beforeAll(async () => {
      sink = await startSentrySink();
      // An API that is not there: the sign-in page fails with a real error.
      reporting = await startServer({
        PORT: String(await freePort()),
        API_URL: `http://127.0.0.1:${await freePort()}`,
        SENTRY_DSN: sink.dsn,
        APP_VERSION: 'v9.8.7',
        DROP_ENV: 'staging',
      });
    });
    afterAll(async () => {
      reporting?.child.kill('SIGTERM');
      await sink?.close();
    });

    it('sends a server error with release and environment, without the session cookie or national ids', async () => {
      const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXZhbHVl';
      const res = await fetch(`${reporting.url}/sign-in?error=31129945616`, { headers: { cookie: `__Host-drop-session=${token}` } });
      expect(res.status).toBe(500);
      const envelope = await sink.next('event', 15_000);
      const event = envelope.items.find((i) => i.header.type === 'event')!.payload as {
        release: string;
        environment: string;
        exception: { values: { type: string }[] };
      };
      expect(event).toMatchObject({ release: 'v9.8.7', environment: 'staging' });
      expect(event.exception.values.length).toBeGreaterThan(0);
      expect(envelope.raw).not.toContain(token);
      expect(envelope.raw).not.toContain('c2lnbmF0dXJlLXZhbHVl');
      expect(envelope.raw).not.toContain('31129945616');
    });
  });
});
