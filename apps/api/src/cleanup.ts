/**
 * Expired sign-in state is deleted, not kept: a BankID order holds a national identity number and
 * is useless once expired (pending: it can no longer be collected; complete: its one token was
 * issued); so is an expired OpenID Connect flow (its state, nonce and PKCE verifier). Every instance runs the sweep on a timer; the DELETE is idempotent, so several
 * instances sweeping at once do no harm. A signed-out token's row is deleted once the token has
 * expired (it would be refused for that alone).
 */
import { lt, sql } from 'drizzle-orm';
import type { Database } from './db/database.js';
import { authOrders, oidcFlows, revokedTokens } from './db/schema.js';

/** Deletes expired BankID orders, OpenID Connect flows and revocations; resolves with how many of each. */
export async function deleteExpired(database: Database): Promise<{ orders: number; flows: number; revocations: number }> {
  const deleted = await database.run((db) =>
    db
      .delete(authOrders)
      .where(lt(authOrders.expiresAt, sql`now()`))
      .returning({ id: authOrders.id }),
  );
  // A flow holds a PKCE verifier and a nonce: useless once expired, and never to be reused.
  const flows = await database.run((db) =>
    db
      .delete(oidcFlows)
      .where(lt(oidcFlows.expiresAt, sql`now()`))
      .returning({ id: oidcFlows.id }),
  );
  const revocations = await database.run((db) =>
    db
      .delete(revokedTokens)
      .where(lt(revokedTokens.expiresAt, sql`now()`))
      .returning({ jti: revokedTokens.jti }),
  );
  return { orders: deleted.length, flows: flows.length, revocations: revocations.length };
}

/** Runs `deleteExpired` now and every `intervalMs`; returns the function that stops it. */
export function scheduleCleanup(database: Database, intervalMs: number, log: (message: string) => void): () => void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const { orders, flows, revocations } = await deleteExpired(database);
      if (orders || flows || revocations)
        log(
          `cleanup: deleted ${orders} expired BankID order(s), ${flows} expired sign-in flow(s) and ${revocations} revocation(s) of expired tokens`,
        );
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
