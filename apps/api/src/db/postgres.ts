/**
 * PostgreSQL through a `pg` pool.
 *
 * In AWS the API connects as the runtime role with RDS IAM authentication: `iam` signs a token for
 * each new connection (db/iam-token.ts) and no password exists. Elsewhere (development, tests,
 * Compose) the URL carries user and password. An authentication failure (SQLSTATE 28P01, or 28000
 * as RDS answers a refused IAM token) drops the cached token and the request is tried once more.
 *
 * The pool's size and how long a request waits for a connection come from the configuration: a
 * request that finds every connection busy for `poolWaitMs` fails with pg-pool's "timeout
 * exceeded when trying to connect", which the app answers 503 (overload), as it does a statement
 * that PostgreSQL cancelled at `statement_timeout`.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { batchedPing, type Database, type Db, type PoolStats } from './database.js';
import type { IamTokenProvider } from './iam-token.js';
import { migrate, pendingMigrations, type MigrationConnection } from './migrate.js';
import { schema } from './schema.js';

export interface PostgresOptions {
  /** Host, port and database; user and password too unless `iam` is given. */
  readonly url: string;
  /** RDS IAM authentication: a token per new connection instead of a password. @default - the URL's password */
  readonly iam?: IamTokenProvider;
  /** TLS options (production: certificate verification against the RDS CA). @default - no TLS */
  readonly ssl?: ConnectionOptions;
  /** @default 10 */
  readonly maxConnections?: number;
  /**
   * How long a request waits for a connection (a free one from the pool, or a new one) before it
   * fails as overload. The health check has its own connection and budget. @default 2000
   */
  readonly poolWaitMs?: number;
  /**
   * The server cancels a statement running longer than this (`statement_timeout`), and the client
   * gives up one second later (`query_timeout`): a frozen server or a silent network then fails
   * the request instead of hanging it. Migrations run without either. @default 5000
   */
  readonly queryTimeoutMs?: number;
  readonly log?: (message: string) => void;
}

/** invalid_password, and invalid_authorization_specification (RDS: "PAM authentication failed" for a refused IAM token). */
const AUTH_FAILED = new Set(['28P01', '28000']);
/** The health check's query, prepared once per connection (named: parsed and planned once). */
const HEALTH_QUERY = { name: 'drop_health_check', text: 'SELECT 1 AS ok' };
const MIGRATION_TIMEOUT_MS = 30 * 60_000;

function isAuthFailure(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && AUTH_FAILED.has(e.code)) return true;
  }
  return false;
}

/** One pg connection as the migration runner uses it, without the statement timeouts: waiting for another run's lock, or a long migration, is not a hung query. */
export function migrationConnection(client: pg.ClientBase): MigrationConnection {
  const noTimeout = { query_timeout: MIGRATION_TIMEOUT_MS };
  return {
    exec: async (text) => void (await client.query({ text, ...noTimeout })),
    query: async <T>(text: string, params?: unknown[]) => (await client.query({ text, values: params, ...noTimeout })).rows as T[],
  };
}

/** Host, port, database and user of a `postgres://` URL, for pg's separate options. */
function urlOptions(url: string): pg.ClientConfig {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    user: decodeURIComponent(parsed.username),
  };
}

export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const log = options.log ?? (() => undefined);
  const queryTimeoutMs = options.queryTimeoutMs ?? 5000;
  const poolWaitMs = options.poolWaitMs ?? 2000;
  const max = options.maxConnections ?? 10;
  const { ssl, iam } = options;
  // pg calls it for every new connection; a token is signed at most every ten minutes. pg lets a
  // connection string's (empty) password replace a password function, so with IAM the URL is
  // taken apart into separate options.
  const connection: pg.ClientConfig = iam ? { ...urlOptions(options.url), password: () => iam.token() } : { connectionString: options.url };

  const pool = new pg.Pool({
    ...connection,
    ssl,
    max,
    connectionTimeoutMillis: poolWaitMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: queryTimeoutMs,
    query_timeout: queryTimeoutMs + 1000,
  });
  // An idle client losing its connection (database restart, failover) must not crash the process.
  pool.on('error', (error) => log(`idle database connection lost: ${error.message}`));
  const db = drizzle({ client: pool, schema }) as unknown as Db;

  // Health checks: one pipelined connection of their own (pg's pipeline mode), instead of a pool
  // client and a full round trip each: the profile of GET /v1/health showed the server idle,
  // waiting on pool clients, and a busy pool should not fail the health check either.
  // A lost or timed-out connection is dropped (pg destroys a blocked pipeline) and the next check
  // opens a new one, so a dead database still answers 503 within the health budget.
  let health: Promise<pg.Client> | undefined;
  let ended = false;
  const healthClient = () => {
    if (ended) return Promise.reject(new Error('the database connection is closed'));
    if (health) return health;
    const client = new pg.Client({
      ...connection,
      ssl,
      pipeline: true,
      connectionTimeoutMillis: 5000,
      statement_timeout: queryTimeoutMs,
      query_timeout: queryTimeoutMs + 1000,
    } as pg.ClientConfig);
    const attempt = client.connect().then(() => client);
    const forget = () => {
      if (health === attempt) health = undefined;
    };
    client.on('error', (error) => {
      forget();
      log(`health check connection lost: ${error.message}`);
      void client.end().catch(() => undefined);
    });
    client.on('end', forget);
    attempt.catch(forget);
    health = attempt;
    return attempt;
  };

  // A refused IAM token is dropped and the work tried once more, with a newly signed one.
  const retryOnAuthFailure = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (!iam || !isAuthFailure(error)) throw error;
      iam.invalidate();
      log('database authentication failed: signing a new IAM token and trying once more');
      return work();
    }
  };

  // One client for a migration run: the advisory lock and the transaction belong to a session.
  const withClient = async <T>(work: (connection: MigrationConnection) => Promise<T>): Promise<T> => {
    const client = await retryOnAuthFailure(() => pool.connect());
    const connection = migrationConnection(client);
    await connection.exec('SET statement_timeout = 0');
    try {
      return await work(connection);
    } finally {
      await client.query('RESET statement_timeout').then(
        () => client.release(),
        (error: Error) => client.release(error),
      );
    }
  };

  return {
    kind: 'postgres',
    run: (work) => retryOnAuthFailure(() => work(db)),
    // Checks arriving in one loop turn share one SELECT 1 sent after all of them arrived, and one timer.
    ping: batchedPing(() => retryOnAuthFailure(async () => (await healthClient()).query(HEALTH_QUERY))),
    pool: (): PoolStats => ({ max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    migrate: (migrations) => withClient((connection) => migrate(connection, migrations)),
    pending: (migrations) => withClient((connection) => pendingMigrations(connection, migrations)),
    async close() {
      const client = health;
      health = undefined;
      ended = true;
      await Promise.all([pool.end(), client?.then((c) => c.end()).catch(() => undefined)]);
    },
  };
}
