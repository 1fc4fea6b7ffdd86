/**
 * Demo data for development and staging (SEED_DEMO=true): one user and a few transactions. Each
 * row is keyed (national id, idempotency keys), so seeding on every start, from every instance,
 * adds nothing twice.
 */
import { sql } from 'drizzle-orm';
import type { Database } from './db/database.js';
import { transactions, users } from './db/schema.js';

/** A syntactically valid national identity number reserved for the demo user. */
export const DEMO_NATIONAL_ID = '15058534541';

export async function seedDemo(database: Database): Promise<void> {
  await database.run(async (db) => {
    const [user] = await db
      .insert(users)
      .values({ nationalId: DEMO_NATIONAL_ID, name: 'Demo user 4541' })
      .onConflictDoUpdate({ target: users.nationalId, set: { nationalId: sql`excluded.national_id` } })
      .returning({ id: users.id });
    const rows = [
      { key: 'seed-salary', amountMinor: 4_250_000, description: 'Salary' },
      { key: 'seed-rent', amountMinor: -1_450_000, description: 'Rent' },
      { key: 'seed-coffee', amountMinor: -4_900, description: 'Coffee' },
    ];
    await db
      .insert(transactions)
      .values(
        rows.map((r) => ({
          userId: user.id,
          amountMinor: r.amountMinor,
          currency: 'NOK',
          description: r.description,
          idempotencyKey: r.key,
          requestHash: 'seed',
        })),
      )
      .onConflictDoNothing({ target: [transactions.userId, transactions.idempotencyKey] });
  });
}
