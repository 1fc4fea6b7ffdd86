/**
 * verify-health against the real API, started as a process on a real PostgreSQL database (the
 * test run's server: apps/api/test/global-setup.ts starts it, or DROP_TEST_PG_URL names one).
 */
import { readFileSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killApiProcesses, startApiProcess } from '../../apps/api/test/api-process';
import { adminQuery, createPgDatabase } from '../../apps/api/test/pg-admin';
import { VerifyError, parseCommandLine, verifyHealth } from '../../scripts/verify-health';

const quiet = () => undefined;

/** Starts the API as `npm run api` would; resolves with its base URL once it listens. */
async function startApi(databaseUrl: string): Promise<string> {
  const api = startApiProcess({ NODE_ENV: 'test', JWT_SECRET: 'verify-health-test-secret-of-32-chars!', DATABASE_URL: databaseUrl });
  return `http://127.0.0.1:${await api.listening}`;
}

/**
 * A TCP proxy in front of PostgreSQL that can freeze: connections stay open, nothing is
 * forwarded any more (a database that hangs rather than refuses).
 */
async function freezableProxy(target: URL): Promise<{ port: number; freeze(): void; server: Server }> {
  const pairs: Array<[Socket, Socket]> = [];
  let frozen = false;
  const server = createServer((client) => {
    if (frozen) return;
    const upstream = connect(Number(target.port), target.hostname);
    client.pipe(upstream).pipe(client);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    server,
    freeze() {
      frozen = true;
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
      }
    },
  };
}

describe('verify-health against the real API', () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  /** The base URLs of the API on the database, and of the one behind the proxy that will freeze. */
  let api: string;
  let hanging: { api: string; proxy: Awaited<ReturnType<typeof freezableProxy>> };
  let proxyServer: Server | undefined;

  beforeAll(async () => {
    database = await createPgDatabase();
    const url = new URL(database.url);
    // A second API whose database will hang: its health answers 503 only after its own 2 s limit.
    const proxy = await freezableProxy(url);
    proxyServer = proxy.server;
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    // Both processes start at once; afterAll stops whichever started, even when the other did not.
    const [healthy, behindProxy] = await Promise.allSettled([startApi(url.toString()), startApi(proxied.toString())]);
    if (healthy.status === 'fulfilled') api = healthy.value;
    if (behindProxy.status === 'fulfilled') hanging = { proxy, api: behindProxy.value };
    for (const started of [healthy, behindProxy]) if (started.status === 'rejected') throw started.reason;
  }, 60_000);

  afterAll(async () => {
    killApiProcesses();
    proxyServer?.close();
    await database?.drop();
  });

  it('passes when the API and its database are healthy', async () => {
    const results = await verifyHealth({ url: `${api}/v1/health`, count: 3, intervalSeconds: 0.2, timeoutSeconds: 5 }, quiet);
    expect(results.map((r) => r.reason)).toEqual(['HTTP 200, status ok', 'HTTP 200, status ok', 'HTTP 200, status ok']);
  });

  it('expects the released version when given one, and names both when another runs', async () => {
    // The API reports its release as `version` (APP_VERSION; without it, its package version).
    const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'apps', 'api', 'package.json'), 'utf8')) as {
      version: string;
    };
    const ok = await verifyHealth({ url: `${api}/v1/health`, count: 1, intervalSeconds: 0, timeoutSeconds: 5, version }, quiet);
    expect(ok[0].reason).toBe(`HTTP 200, status ok, version ${version}`);
    await expect(
      verifyHealth({ url: `${api}/v1/health`, count: 3, intervalSeconds: 0, timeoutSeconds: 5, version: 'c0ffee' }, quiet),
    ).rejects.toThrow(
      `${api}/v1/health is unhealthy on check 1/3: HTTP 200, status ok, but it runs version "${version}", not the released "c0ffee"`,
    );
  });

  it('fails with a timeout when the API does not answer in time', async () => {
    hanging.proxy.freeze();
    const lines: string[] = [];
    await expect(
      verifyHealth({ url: `${hanging.api}/v1/health`, count: 3, intervalSeconds: 0, timeoutSeconds: 0.5 }, (line) => lines.push(line)),
    ).rejects.toThrow(`${hanging.api}/v1/health is unhealthy on check 1/3: no answer within 0.5 s`);
    expect(lines).toHaveLength(1);
  });

  it('fails when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      verifyHealth({ url: `http://127.0.0.1:${port}/v1/health`, count: 1, intervalSeconds: 0, timeoutSeconds: 2 }, quiet),
    ).rejects.toThrow(/unhealthy on check 1\/1: request failed: .*ECONNREFUSED/);
  });

  // Last: it takes the database away from the running API.
  it('fails when the database is down', async () => {
    await adminQuery(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
    await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
    const error = await verifyHealth({ url: `${api}/v1/health`, count: 3, intervalSeconds: 0.2, timeoutSeconds: 5 }, quiet).catch((e) => e);
    expect(error).toBeInstanceOf(VerifyError);
    expect(error.message).toBe(`${api}/v1/health is unhealthy on check 1/3: HTTP 503 (db: disconnected)`);
  });
});

describe('the verify-health command line', () => {
  it('defaults to 3 checks, 10 s apart, 5 s timeout', () => {
    expect(parseCommandLine(['--url', 'https://getdrop.no/v1/health'])).toEqual({
      url: 'https://getdrop.no/v1/health',
      count: 3,
      intervalSeconds: 10,
      timeoutSeconds: 5,
    });
  });

  it('refuses a missing URL and a bad count, saying what is allowed', () => {
    expect(() => parseCommandLine([])).toThrow('--url null is not an http(s) URL; expected e.g. https://getdrop.no/v1/health');
    expect(() => parseCommandLine(['--url', 'https://x/v1/health', '--count', '0'])).toThrow('--count "0" is not a number from 1 to 100');
    expect(() => parseCommandLine(['--url', 'https://x/v1/health', '--version', 'c2 c3'])).toThrow(
      '--version "c2 c3" is not a release tag; expected the tag the pipeline released, e.g. --version "$IMAGE_TAG"',
    );
  });
});
