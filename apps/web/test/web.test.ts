/**
 * The built standalone server (as the image runs it) in headless Chromium (@sparticuz/chromium from
 * npm, or CHROMIUM_PATH), driven by playwright-core, against a real API on the embedded database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/src/config.js';
import { startApi, type RunningApi } from '../../api/src/server.js';
import { launchChromium, type LaunchedChromium } from './browser.js';
import { WEB } from './global-setup.js';

const SERVER = path.join(WEB, '.next', 'standalone', 'apps', 'web', 'server.js');
const ORIGIN_SECRET = 'web-origin-secret-0123456789';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startWeb(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = Number(env.PORT);
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', HOSTNAME: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`web server exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('web server did not become healthy in 10 s');
}

describe('web (standalone build, headless Chromium)', () => {
  let api: RunningApi;
  let web: { url: string; child: ChildProcess };
  let chromium: LaunchedChromium;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    const webPort = await freePort();
    dataDir = mkdtempSync(path.join(tmpdir(), 'drop-web-test-'));
    api = await startApi(loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, APP_URL: `http://127.0.0.1:${webPort}`, SEED_DEMO: 'true' }), {
      hostname: '127.0.0.1',
    });
    web = await startWeb({ PORT: String(webPort), API_URL: `http://127.0.0.1:${api.port}` });
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
    const page = await browser.newPage();
    await page.goto(web.url);
    await page.getByRole('link', { name: 'Sign in with BankID' }).click();
    await page.waitForURL('**/sign-in');
    await page.getByLabel('National identity number (11 digits)').fill('150585 34541');
    await page.getByRole('button', { name: 'Continue with BankID' }).click();
    await page.getByText('Signed in as Demo user 4541').waitFor({ timeout: 10_000 });
    const rows = await page.locator('.transactions li').allTextContents();
    expect(rows).toHaveLength(3);
    expect(rows.join('|').replace(/\s/g, ' ')).toMatch(/Salary.*42 500,00 kr/);
    expect(await page.evaluate(() => sessionStorage.getItem('drop.token'))).toMatch(/^ey/);
    await page.close();
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
    const guarded = await startWeb({ PORT: String(await freePort()), API_URL: `http://127.0.0.1:${api.port}`, ORIGIN_VERIFY_SECRET: ORIGIN_SECRET });
    try {
      expect((await fetch(guarded.url)).status).toBe(403);
      expect((await fetch(guarded.url, { headers: { 'x-origin-verify': 'wrong' } })).status).toBe(403);
      expect((await fetch(guarded.url, { headers: { 'x-origin-verify': ORIGIN_SECRET } })).status).toBe(200);
      expect((await fetch(`${guarded.url}/api/health`)).status).toBe(200);
    } finally {
      guarded.child.kill('SIGTERM');
    }
  });
});
