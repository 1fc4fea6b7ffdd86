/**
 * PostgreSQL through a `pg` pool, with the credential rotation the data stack decided on.
 *
 * In AWS, DATABASE_URL carries no credentials; DATABASE_CREDENTIALS (the RDS-managed secret's
 * JSON, injected when the instance started) supplies user and password. RDS rotates that
 * password while instances keep their environment, so on SQLSTATE 28P01 (password authentication
 * failed) we read the secret again from Secrets Manager, swap in a new pool and retry once.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { perLoopTurn, type Database, type Db } from './database.js';
import { migrate } from './migrate.js';
import { schema } from './schema.js';

export interface DatabaseCredentials {
  readonly username: string;
  readonly password: string;
}

/** The one call we make to Secrets Manager; tests inject a fake, production the AWS SDK v3 client. */
export interface SecretSource {
  getSecretString(secretId: string): Promise<string>;
}

export function awsSecretSource(client = new SecretsManagerClient({})): SecretSource {
  return {
    async getSecretString(secretId) {
      const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (!result.SecretString) throw new Error(`Secret ${secretId} has no SecretString`);
      return result.SecretString;
    },
  };
}

/** Parses the RDS-managed secret (`{"username":"...","password":"..."}`); never echoes its content. */
export function parseCredentials(json: string, source: string): DatabaseCredentials {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error(`${source} is not JSON; expected {"username":"...","password":"..."}`);
  }
  const record = value as Record<string, unknown>;
  if (typeof record?.username !== 'string' || !record.username || typeof record.password !== 'string' || !record.password) {
    throw new Error(`${source} lacks a non-empty "username" or "password"; expected {"username":"...","password":"..."}`);
  }
  return { username: record.username, password: record.password };
}

export interface PostgresOptions {
  readonly url: string;
  /** Overrides the URL's user and password. */
  readonly credentials?: DatabaseCredentials;
  /** Secret to re-read on 28P01; without it an authentication failure is final. */
  readonly secretArn?: string;
  readonly secrets?: SecretSource;
  /** TLS options (production: certificate verification against the RDS CA). @default - no TLS */
  readonly ssl?: ConnectionOptions;
  /** @default 10 */
  readonly maxConnections?: number;
  /** How long to wait for a connection; the health check has its own, shorter, budget. @default 5000 */
  readonly connectTimeoutMs?: number;
  /**
   * The server cancels a statement running longer than this (`statement_timeout`), and the client
   * gives up one second later (`query_timeout`): a frozen server or a silent network then fails
   * the request instead of hanging it. Migrations run without either. @default 5000
   */
  readonly queryTimeoutMs?: number;
  readonly log?: (message: string) => void;
}

const AUTH_FAILED = '28P01';
/** The health check's query, prepared once per connection (named: parsed and planned once). */
const HEALTH_QUERY = { name: 'drop_health_check', text: 'SELECT 1 AS ok' };
const MIGRATION_TIMEOUT_MS = 30 * 60_000;

/** pg lets the connection string's user and password win over separate options, so they go into the URL. */
function withCredentials(url: string, credentials?: DatabaseCredentials): string {
  if (!credentials) return url;
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(credentials.username);
  parsed.password = encodeURIComponent(credentials.password);
  return parsed.toString();
}

function isAuthFailure(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === AUTH_FAILED) return true;
  }
  return false;
}

export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const log = options.log ?? (() => undefined);
  const queryTimeoutMs = options.queryTimeoutMs ?? 5000;
  const makePool = (credentials?: DatabaseCredentials) => {
    const connectionString = withCredentials(options.url, credentials);
    const pool = new pg.Pool({
      connectionString,
      ssl: options.ssl,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
      statement_timeout: queryTimeoutMs,
      query_timeout: queryTimeoutMs + 1000,
    });
    // An idle client losing its connection (database restart, failover) must not crash the process.
    pool.on('error', (error) => log(`idle database connection lost: ${error.message}`));

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
        connectionString,
        ssl: options.ssl,
        pipeline: true,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
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
    // Checks arriving in one loop turn share one SELECT 1 sent after all of them arrived.
    const ping = perLoopTurn(async () => (await healthClient()).query(HEALTH_QUERY));
    const end = async () => {
      const client = health;
      health = undefined;
      ended = true;
      await Promise.all([pool.end(), client?.then((c) => c.end()).catch(() => undefined)]);
    };
    return { pool, db: drizzle({ client: pool, schema }) as unknown as Db, ping, end };
  };

  let current = makePool(options.credentials);
  let refreshing: Promise<void> | undefined;

  // Single flight: many requests failing at once trigger one Secrets Manager call and one new pool.
  const refresh = (failed: typeof current) => {
    if (current !== failed) return Promise.resolve();
    refreshing ??= (async () => {
      if (!options.secretArn || !options.secrets) throw new Error('no DATABASE_SECRET_ARN to re-read');
      const credentials = parseCredentials(await options.secrets.getSecretString(options.secretArn), `secret ${options.secretArn}`);
      const old = current;
      current = makePool(credentials);
      log('database password rotated: re-read the secret and replaced the pool');
      void old.end().catch(() => undefined);
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };

  // Work on the current pool; when the password was rotated under it, re-read the secret and retry once.
  const withPool = async <T>(work: (pool: typeof current) => Promise<T>): Promise<T> => {
    const used = current;
    try {
      return await work(used);
    } catch (error) {
      if (!isAuthFailure(error) || !options.secretArn || !options.secrets) throw error;
      await refresh(used);
      return work(current);
    }
  };
  const run = <T>(work: (db: Db) => Promise<T>): Promise<T> => withPool((pool) => work(pool.db));

  return {
    kind: 'postgres',
    run,
    async ping() {
      const start = performance.now();
      await withPool((pool) => pool.ping());
      return performance.now() - start;
    },
    async migrate(migrations) {
      // One client for the whole run: the advisory lock and the transaction belong to a session.
      const client = await run(() => current.pool.connect());
      // Waiting for another instance's migration lock, or a long migration, is not a hung query.
      const noTimeout = { query_timeout: MIGRATION_TIMEOUT_MS };
      await client.query({ text: 'SET statement_timeout = 0', ...noTimeout });
      try {
        return await migrate(
          {
            exec: async (text) => void (await client.query({ text, ...noTimeout })),
            query: async <T>(text: string, params?: unknown[]) => (await client.query({ text, values: params, ...noTimeout })).rows as T[],
          },
          migrations,
        );
      } finally {
        await client.query('RESET statement_timeout').then(
          () => client.release(),
          (error: Error) => client.release(error),
        );
      }
    },
    close: () => current.end(),
  };
}
