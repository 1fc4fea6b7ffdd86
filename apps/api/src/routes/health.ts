/**
 * `GET /v1/health`, as docs/requirements.md (Health checks) shows it: `SELECT 1 as ok` against the database, 200
 * with its latency, or 503 with `db: "disconnected"`. It answers within `timeoutMs` even when the
 * database hangs, well inside App Runner's 5 s health check timeout.
 *
 * The details (version, uptime, latency, the pool) are for the platform: a request without the
 * edge's `X-Origin-Verify` (the engine's own check, anyone reaching the service directly) gets
 * `status` (and `db` when it fails) only. A saturated pool (requests waiting for a connection) is
 * still 200: the instance is alive and serving, only busy; `pool.saturated` says so.
 */
import { type Context, Hono } from 'hono';
import type { Database } from '../db/database.js';
import { describeError } from '../log.js';

export interface HealthOptions {
  readonly database: Database;
  readonly version: string;
  readonly startedAt: number;
  /** @default 2000 */
  readonly timeoutMs?: number;
  /** Whether this request may see the details. @default - always */
  readonly detailed?: (c: Context) => boolean;
  readonly log?: (message: string) => void;
}

export function healthRoutes(options: HealthOptions) {
  const detailed = options.detailed ?? (() => true);
  return new Hono().get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    try {
      const latency = await options.database.ping(options.timeoutMs ?? 2000);
      if (!detailed(c)) return c.json({ status: 'ok' as const });
      const pool = options.database.pool();
      return c.json({
        status: 'ok' as const,
        version: options.version,
        uptime: Math.floor((Date.now() - options.startedAt) / 1000),
        db: 'connected' as const,
        dbLatencyMs: Math.round(latency),
        ...(pool ? { pool: { size: pool.max, inUse: pool.total - pool.idle, waiting: pool.waiting, saturated: pool.waiting > 0 } } : {}),
        timestamp: new Date().toISOString(),
      });
    } catch (error) {
      options.log?.(`health: database check failed: ${describeError(error)}`);
      if (!detailed(c)) return c.json({ status: 'error' as const }, 503);
      return c.json({ status: 'error' as const, db: 'disconnected' as const, timestamp: new Date().toISOString() }, 503);
    }
  });
}
