/**
 * End-to-end tests of a deployed environment, through the edge: run by the pipeline against
 * staging (`E2E_BASE_URL=https://staging.getdrop.no npm run e2e`), in headless Chromium.
 * They sign nobody in: staging talks to BankID's test environment, not a mock; they start a
 * sign-in and check what goes to BankID.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedChromium } from '../apps/web/test/browser';

const BASE_URL = process.env.E2E_BASE_URL ?? '';

describe(`the deployed platform at ${BASE_URL || '(E2E_BASE_URL unset)'}`, () => {
  let chromium: LaunchedChromium;
  let browser: Browser;

  beforeAll(async () => {
    if (!/^https?:\/\/[^/]+$/.test(BASE_URL)) {
      throw new Error(`E2E_BASE_URL ${JSON.stringify(BASE_URL)} is not an origin; expected e.g. https://staging.getdrop.no`);
    }
    chromium = await launchChromium();
    browser = chromium.browser;
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('routes /v1/health to a healthy API with its database connected', async () => {
    const response = await fetch(`${BASE_URL}/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', db: 'connected' });
  });

  it("serves the web app's health route", async () => {
    const response = await fetch(`${BASE_URL}/api/health`);
    expect(response.status).toBe(200);
  });

  it('serves HTTPS only, with HSTS', async () => {
    const response = await fetch(`${BASE_URL}/`, { redirect: 'manual' });
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    if (BASE_URL.startsWith('https://')) {
      const plain = await fetch(BASE_URL.replace('https://', 'http://'), { redirect: 'manual' });
      expect([301, 308]).toContain(plain.status);
    }
  });

  it('renders the landing page in a browser', async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(BASE_URL);
      expect(response?.status()).toBe(200);
      expect((await page.locator('h1').textContent())?.length).toBeGreaterThan(0);
      await page.getByRole('link', { name: 'Sign in with BankID' }).waitFor();
    } finally {
      await page.close();
    }
  });

  it('sends the web security headers: CSP with a nonce, no framing, nosniff, referrer and permissions policies', async () => {
    const response = await fetch(`${BASE_URL}/sign-in`);
    expect(response.headers.get('content-security-policy')).toMatch(
      /script-src 'self' 'nonce-[^']+' 'strict-dynamic'.*frame-ancestors 'none'/,
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(response.headers.get('permissions-policy')).toContain('camera=()');
  });

  it('starts BankID sign-in from the sign-in page: to the issuer with PKCE (S256), state and nonce, the flow in an HttpOnly cookie', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${BASE_URL}/sign-in`);
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.isNavigationRequest() && !r.url().startsWith(BASE_URL)),
        page.getByRole('link', { name: 'Continue with BankID' }).click(),
      ]);
      const sent = new URL(request.url()).searchParams;
      expect(sent.get('redirect_uri')).toBe(`${BASE_URL}/api/auth/bankid/callback`);
      expect(sent.get('code_challenge_method')).toBe('S256');
      for (const name of ['state', 'nonce', 'code_challenge']) expect(sent.get(name)).toBeTruthy();
      const flow = (await context.cookies(BASE_URL)).find((c) => c.name === '__Host-drop-bankid-flow');
      expect(flow).toMatchObject({ httpOnly: true, secure: true });
    } finally {
      await context.close();
    }
  });

  it('reaches the API from a page of the site: the edge routes /v1/* to it, and it asks for sign-in', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(BASE_URL);
      const answer = await page.evaluate(async () => {
        const response = await fetch('/v1/transactions', { headers: { accept: 'application/json' } });
        return { status: response.status, body: await response.json() };
      });
      expect(answer).toEqual({ status: 401, body: { error: expect.objectContaining({ code: 'unauthorized' }) } });
    } finally {
      await page.close();
    }
  });
});
