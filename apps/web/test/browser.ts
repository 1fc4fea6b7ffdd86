/**
 * Headless Chromium for the browser tests, driven by playwright-core: the one CHROMIUM_PATH names
 * when it is set, otherwise the build that @sparticuz/chromium ships inside its npm package
 * (nothing downloads a browser). The package's binary is unpacked into a temporary directory of
 * this launch, and Playwright gives every launch a fresh user data directory; close() removes both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** What this machine needs: no sandbox (root, no user namespaces), no GPU, nothing that phones home. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The part of @sparticuz/chromium used here. Typed here, not imported: the Dockerfile's test stage
 * installs only the apps' workspaces, where this root devDependency is absent, and type-checks this
 * folder there.
 */
interface SparticuzChromium {
  executablePath(input?: string): Promise<string>;
}

export interface LaunchedChromium {
  readonly browser: Browser;
  /** Closes the browser and removes the unpacked binary. */
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedChromium> {
  let unpacked: string | undefined;
  let executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath) {
    // @sparticuz/chromium unpacks into os.tmpdir() (and reuses what it finds there): point it at
    // a directory of this launch for the call.
    unpacked = mkdtempSync(path.join(tmpdir(), 'drop-chromium-'));
    const specifier = '@sparticuz/chromium';
    const pack = ((await import(specifier)) as { default: SparticuzChromium }).default;
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = unpacked;
    try {
      executablePath = await pack.executablePath();
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  }
  const remove = () => unpacked && rmSync(unpacked, { recursive: true, force: true });
  try {
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
    return {
      browser,
      async close() {
        await browser.close();
        remove();
      },
    };
  } catch (error) {
    remove();
    throw error;
  }
}
