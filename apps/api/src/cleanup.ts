/**
 * Expired sign-in state is deleted, not kept: a BankID order holds a national identity number and
 * is useless once expired (pending: it can no longer be collected; complete: its one token was
 * issued). Every instance runs the sweep on a timer; the DELETE is idempotent, so several
 * instances sweeping at once do no harm. Sign-in itself is stateless (a JWT): no session rows.
 */
import { lt, sql } from 'drizzle-orm';
import type { Database } from './db/database.js';
import { authOrders } from './db/schema.js';

/** Deletes expired BankID orders; resolves with how many. */
export async function deleteExpired(database: Database): Promise<{ orders: number }> {
  const deleted = await database.run((db) => db.delete(authOrders).where(lt(authOrders.expiresAt, sql`now()`)).returning({ id: authOrders.id }));
  return { orders: deleted.length };
}

/** Runs `deleteExpired` now and every `intervalMs`; returns the function that stops it. */
export function scheduleCleanup(database: Database, intervalMs: number, log: (message: string) => void): () => void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const { orders } = await deleteExpired(database);
      if (orders) log(`cleanup: deleted ${orders} expired BankID order(s)`);
    } catch (error) {
      log(`cleanup: failed (${(error as Error).message}); retrying in ${intervalMs} ms`);
    } finally {
      running = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
