/**
 * The database behind the API: PostgreSQL through `pg` when DATABASE_URL is set, otherwise the
 * embedded PGlite persisted in a directory. Both expose the same drizzle schema, so routes do not
 * know which one they talk to.
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Migration } from './migrate.js';
import type { Schema } from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** The connection pool right now: its size, connections open, idle, and requests waiting for one. */
export interface PoolStats {
  readonly max: number;
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

export interface Database {
  readonly kind: 'postgres' | 'embedded';
  /**
   * Runs `work` with the drizzle instance. For PostgreSQL with IAM authentication, a refused token
   * is dropped and `work` runs once more with a new one.
   */
  run<T>(work: (db: Db) => Promise<T>): Promise<T>;
  /**
   * `SELECT 1 as ok`; resolves with the latency in ms, rejects when the database does not answer
   * within `timeoutMs` (@default 2000). Calls in one loop turn share one query and one timer.
   */
  ping(timeoutMs?: number): Promise<number>;
  /** The pool (PostgreSQL); undefined for the embedded database, which has none. */
  pool(): PoolStats | undefined;
  /** Applies pending migrations (@default - the files in `migrations/`); returns the names applied. */
  migrate(migrations?: Migration[]): Promise<string[]>;
  /** The migrations not applied yet, read-only (what the runtime role may check at start). */
  pending(migrations?: Migration[]): Promise<string[]>;
  close(): Promise<void>;
}

/** Races `promise` against a timer so a hanging database cannot hang the caller. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Calls that arrive in one turn of the event loop share one run of `work`, started once the loop
 * has handled every request that was ready (setImmediate): no caller is answered by a run that
 * started before it called. For the health check, each answer still proves the database answered
 * after the request came in, at one query per loop turn instead of one per request under load.
 */
export function perLoopTurn<T>(work: () => Promise<T>): () => Promise<T> {
  let batch: Promise<T> | undefined;
  return () =>
    (batch ??= new Promise<T>((resolve, reject) => {
      setImmediate(() => {
        batch = undefined;
        work().then(resolve, reject);
      });
    }));
}

/**
 * The health check's ping: `select1` batched per loop turn (`perLoopTurn`), each batch raced
 * against one timer of `timeoutMs`, and its latency measured from the batch's start. Batches of
 * one loop turn share the timeout, the latency and the answer.
 */
export function batchedPing(select1: () => Promise<unknown>): (timeoutMs?: number) => Promise<number> {
  let timeout = 2000;
  const batch = perLoopTurn(async () => {
    const start = performance.now();
    await withTimeout(select1(), timeout, 'database');
    return performance.now() - start;
  });
  return (timeoutMs = 2000) => {
    timeout = timeoutMs;
    return batch();
  };
}
