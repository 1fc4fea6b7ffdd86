/**
 * Starts the test OpenID provider (provider.ts) in its own process on 127.0.0.1, and signs in
 * at it the way a browser would: follow the redirects, fill in its login form, stop at the
 * redirect back to the relying party's callback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { freePort } from '../free-port.js';

export const CLIENT_ID = 'drop-test-client';
export const CLIENT_SECRET = 'drop-test-client-secret-0123456789';
const PROVIDER = path.join(import.meta.dirname, 'provider.ts');

export interface TestProvider {
  readonly issuer: string;
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export interface ProviderOptions {
  readonly redirectUri: string;
  /** @default - a free port */
  readonly port?: number;
  /** Shifts the provider's clock; negative issues tokens from the past. @default 0 */
  readonly clockOffsetSeconds?: number;
  /** Publish a key set that does not hold the signing key. @default false */
  readonly foreignJwks?: boolean;
}

export async function startProvider(options: ProviderOptions): Promise<TestProvider> {
  const port = options.port ?? (await freePort());
  const config = { port, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...options };
  const child = spawn(process.execPath, ['--import', 'tsx', PROVIDER, JSON.stringify(config)], {
    env: { PATH: process.env.PATH, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const issuer = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`OpenID provider did not start in 20 s: ${stderr}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`OpenID provider exited with ${code}: ${stderr}`));
    });
  });
  return {
    issuer,
    port,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Opens `authorizationUrl` as a browser would, logs in as `login` (the national identity number)
 * and returns the URL the provider redirects back to (the callback, with code, state and iss).
 */
export async function signInAtProvider(authorizationUrl: string, login: string, redirectUri: string): Promise<URL> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (res: Response) => {
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
  };
  let url = new URL(authorizationUrl);
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    if (url.href.startsWith(redirectUri)) return url;
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader() },
    });
    remember(res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url);
      init = {};
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action || !/name="login"/.test(html))
      throw new Error(`unexpected provider page ${res.status} at ${url.pathname}: ${html.slice(0, 300)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url);
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt: 'login', login, password: 'any' }).toString(),
    };
  }
  throw new Error('too many redirects at the OpenID provider');
}
