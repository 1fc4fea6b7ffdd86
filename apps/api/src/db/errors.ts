/**
 * Which database failures are not bugs. A request that fails on one of them is answered 503 with
 * `Retry-After`, not 500:
 *  - `overloaded`: the pool had no connection for the request within DATABASE_POOL_WAIT_MS
 *    (pg-pool's "timeout exceeded when trying to connect"), PostgreSQL cancelled a statement at
 *    `statement_timeout` (57014), the client gave up on a silent server (pg's "Query read
 *    timeout"), or the server has no connection slot left (53300). Load, not an outage: counted
 *    in the overload metric, not sent to Sentry;
 *  - `unavailable`: the database cannot be reached or refuses connections (network errors,
 *    connection exceptions 08xxx, shutdown 57P01-57P03, a database not accepting connections,
 *    authentication failing even with a new token). An outage: logged and sent to Sentry.
 * The cause chain is searched: drizzle wraps the driver's error in its own.
 */
export type DatabaseTrouble = 'overloaded' | 'unavailable';

const OVERLOAD_MESSAGES = ['timeout exceeded when trying to connect', 'Query read timeout'];
const OVERLOAD_CODES = new Set(['57014', '53300']);
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|28...|3D000|55000)$/;
const UNAVAILABLE_MESSAGES = [/^Connection terminated/, /the database connection is closed/, /Client has encountered a connection error/];

export function databaseTrouble(error: unknown): DatabaseTrouble | undefined {
  const seen = new Set<unknown>();
  for (
    let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
    e && typeof e === 'object' && !seen.has(e);
    e = e.cause as typeof e
  ) {
    seen.add(e);
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (OVERLOAD_CODES.has(code) || OVERLOAD_MESSAGES.some((m) => message.includes(m))) return 'overloaded';
    if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_MESSAGES.some((m) => m.test(message)))
      return 'unavailable';
  }
  return undefined;
}
