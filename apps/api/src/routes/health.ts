/**
 * `GET /v1/health`, as docs/requirements.md (Health checks) shows it: `SELECT 1 as ok` against the database, 200
 * with its latency, or 503 with `db: "disconnected"`. It answers within `timeoutMs` even when the
 * database hangs, well inside App Runner's 5 s health check timeout.
 */
import { Hono } from 'hono';
import type { Database } from '../db/database.js';
import { withTimeout } from '../db/database.js';
import { describeError } from '../log.js';

export interface HealthOptions {
  readonly database: Database;
  readonly version: string;
  readonly startedAt: number;
  /** @default 2000 */
  readonly timeoutMs?: number;
  readonly log?: (message: string) => void;
}

export function healthRoutes(options: HealthOptions) {
  return new Hono().get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    try {
      const latency = await withTimeout(options.database.ping(), options.timeoutMs ?? 2000, 'database');
      return c.json({
        status: 'ok' as const,
        version: options.version,
        uptime: Math.floor((Date.now() - options.startedAt) / 1000),
        db: 'connected' as const,
        dbLatencyMs: Math.round(latency),
        timestamp: new Date().toISOString(),
      });
    } catch (error) {
      options.log?.(`health: database check failed: ${describeError(error)}`);
      return c.json({ status: 'error' as const, db: 'disconnected' as const, timestamp: new Date().toISOString() }, 503);
    }
  });
}
