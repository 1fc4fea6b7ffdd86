/**
 * The API process: configuration, database (migrated, optionally seeded), HTTP server and a
 * graceful shutdown on SIGTERM/SIGINT (stop accepting, finish in-flight requests, close the pool).
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { BankIdOidc } from './bankid-oidc.js';
import { ConfigError, loadConfig, type ApiConfig } from './config.js';
import { withTimeout, type Database } from './db/database.js';
import { SERVER_OPTIONS, drainable, exitOnSignals } from '@drop/shared/drain';
import { openEmbeddedDatabase } from './db/embedded.js';
import { iamTokenProvider, type TokenSigner } from './db/iam-token.js';
import { openPostgresDatabase } from './db/postgres.js';
import { describeError, safeLine } from './log.js';
import { overloadCounter } from './overload.js';
import { seedDemo } from './seed.js';
import { scheduleCleanup } from './cleanup.js';

export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

const sink = (line: string) => console.error(`[api] ${line}`);
const log = (message: string) => sink(safeLine(message));
/** Structured lines (the access log, the overload metric) go to standard output as they are: JSON, one per line. */
const structured = (line: string) => process.stdout.write(`${line}\n`);

export async function openDatabase(config: ApiConfig, signer?: TokenSigner): Promise<Database> {
  const db = config.database;
  if (db.kind === 'embedded') return openEmbeddedDatabase(db.dataDir);
  const { auth } = db;
  return openPostgresDatabase({
    url: db.url,
    iam: auth.kind === 'iam' ? iamTokenProvider({ ...auth, username: auth.user, signer }) : undefined,
    // Deployed: TLS with the server certificate verified against the RDS CA bundle.
    ssl: db.ca ? { ca: db.ca, rejectUnauthorized: true } : undefined,
    maxConnections: db.poolMax,
    poolWaitMs: db.poolWaitMs,
    queryTimeoutMs: config.queryTimeoutMs,
    log,
  });
}

/**
 * Migrations at start (development, tests, Compose), or, where the API runs as the runtime role,
 * a check that the migration job has applied every migration this release ships.
 */
export async function prepareSchema(config: ApiConfig, database: Database): Promise<void> {
  const migrate = config.database.kind === 'embedded' || config.database.migrate;
  if (migrate) {
    const applied = await database.migrate();
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
    return;
  }
  const pending = await database.pending();
  if (pending.length)
    throw new Error(
      `the database schema is behind this release (pending: ${pending.join(', ')}): run the migration job first (npm run db:migrate -- --env <env>)`,
    );
}

/** The OpenID Connect client for live BankID, or undefined in mock mode (config.ts checked the settings). */
export function liveBankId(config: ApiConfig): BankIdOidc | undefined {
  const { mock, issuer, clientId, clientSecret, callbackUrl, idClaim, scope } = config.bankId;
  if (mock || !issuer || !clientId || !clientSecret || !callbackUrl) return undefined;
  return new BankIdOidc({ issuer, clientId, clientSecret, redirectUri: callbackUrl, idClaim, scope });
}

export interface RunningApi {
  readonly port: number;
  readonly server: Server;
  readonly database: Database;
  /** Stops accepting, waits for in-flight requests (up to the shutdown timeout), closes the database. */
  shutdown(): Promise<void>;
}

export interface StartDeps {
  /** Signs IAM tokens (DATABASE_AUTH=iam). @default - the AWS SDK's Signer with the default credential chain */
  readonly signer?: TokenSigner;
  readonly hostname?: string;
  /** How often expired BankID orders and OpenID Connect flows are deleted. @default 300000 (5 minutes) */
  readonly cleanupIntervalMs?: number;
}

export async function startApi(config: ApiConfig, deps: StartDeps = {}): Promise<RunningApi> {
  const startedAt = Date.now();
  const database = await openDatabase(config, deps.signer);
  try {
    await prepareSchema(config, database);
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  if (config.seedDemo) await seedDemo(database);
  const stopCleanup = scheduleCleanup(database, deps.cleanupIntervalMs ?? 5 * 60_000, log);

  const app = createApp({
    database,
    jwtSecret: config.jwtSecret,
    appUrl: config.appUrl,
    bankIdMock: config.bankId.mock,
    bankId: liveBankId(config),
    version: config.appVersion ?? VERSION,
    startedAt,
    originVerifySecret: config.originVerifySecret,
    // createApp passes every line through safeLine itself.
    log: sink,
    accessLog: structured,
    countOverload: overloadCounter(config.environment, structured),
    // Loaded only when used: @sentry/node brings OpenTelemetry, a second of start-up for nothing otherwise.
    reportError: config.sentry ? (await import('./sentry.js')).initSentry(config.sentry) : undefined,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: deps.hostname, serverOptions: SERVER_OPTIONS }, () =>
      resolve(s as Server),
    ) as Server;
  });
  const port = (server.address() as AddressInfo).port;

  const drainer = drainable(server);

  let stopping: Promise<void> | undefined;
  // Everything (drain, then closing the database) fits in SHUTDOWN_TIMEOUT_MS: requests get all
  // but the last second (at most half of it), closing the pool the rest. A frozen database cannot
  // hold the process: its queries time out, and closing the pool is given up on at the deadline.
  const shutdown = () =>
    (stopping ??= (async () => {
      const began = Date.now();
      stopCleanup();
      const closeBudget = Math.min(1000, Math.floor(config.shutdownTimeoutMs / 2));
      const { forced } = await drainer.drain(config.shutdownTimeoutMs - closeBudget);
      if (forced) log(`shutdown: ${forced} connection(s) still open after ${config.shutdownTimeoutMs - closeBudget} ms, closed them`);
      const left = Math.max(1, config.shutdownTimeoutMs - (Date.now() - began));
      await withTimeout(database.close(), left, 'closing the database').catch((error: Error) =>
        log(`shutdown: ${error.message}; exiting anyway`),
      );
    })());
  return { port, server, database, shutdown };
}

async function main(): Promise<void> {
  let config: ApiConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const api = await startApi(config);
  log(`listening on :${api.port} (${config.nodeEnv}, ${api.database.kind} database, version ${config.appVersion ?? VERSION})`);
  exitOnSignals(config.shutdownTimeoutMs, api.shutdown, log);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    log(`failed to start: ${describeError(error)}`);
    process.exit(1);
  });
}
