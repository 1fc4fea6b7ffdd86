/**
 * End-to-end tests of a deployed environment, through the edge: run by the pipeline against
 * staging (`E2E_BASE_URL=https://staging.getdrop.no npm run e2e`), in headless Chromium.
 * They sign nobody in: staging talks to BankID's test environment, not a mock.
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

  it('serves the web app\'s health route', async () => {
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

  it('reaches the API from the sign-in page: a bad national identity number gets the API\'s answer', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${BASE_URL}/sign-in`);
      await page.getByLabel('National identity number (11 digits)').fill('12345678901');
      await page.getByRole('button', { name: 'Continue with BankID' }).click();
      const alert = page.locator('p.error[role=alert]');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/nationalId: must be an 11-digit Norwegian national identity number/);
    } finally {
      await page.close();
    }
  });
});
