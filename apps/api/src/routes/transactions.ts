/**
 * `/v1/transactions`: list and create the signed-in user's transactions.
 *
 * Creation requires an `Idempotency-Key`. The key is unique per user in the database, and the
 * insert is `ON CONFLICT DO NOTHING`, so concurrent retries of one request book exactly one
 * transaction: the first gets 201, every retry gets 200 with the same transaction and
 * `Idempotent-Replayed: true`. Reusing a key for a different request is refused with 422.
 */
import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { z } from 'zod';
import { requireUser, type AuthEnv, type TokenOptions } from './auth.js';
import { transactions } from '../db/schema.js';
import { apiError, invalid, jsonOnly } from '../http.js';

export const CURRENCIES = ['NOK', 'SEK', 'DKK', 'EUR'] as const;
/** 10 billion in major units; far above any payment here, far below 2^53. */
export const MAX_ABS_AMOUNT_MINOR = 1_000_000_000_000;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/**
 * Bidirectional controls (embeddings, overrides, isolates, marks) and invisible characters (zero
 * width space, joiners, word joiner, invisible operators, the byte order mark, the Mongolian vowel
 * separator): they make text read differently from what it is ("Refund \u202e00.001 KON" shows
 * as "Refund NOK 100.00"). Unicode's Bidi_Control set plus the zero-width format characters.
 */
const INVISIBLE_OR_BIDI = /[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const codePoint = (input: string, at: number) =>
  `U+${input.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at position ${at + 1}`;

const createBody = z.strictObject({
  amountMinor: z
    .number('must be a number')
    .int('must be an integer number of minor units (øre, cents), not a decimal amount')
    .refine((v) => v !== 0, 'must not be zero')
    .refine((v) => Math.abs(v) <= MAX_ABS_AMOUNT_MINOR, `must be between -${MAX_ABS_AMOUNT_MINOR} and ${MAX_ABS_AMOUNT_MINOR}`),
  currency: z.enum(CURRENCIES, `must be one of ${CURRENCIES.join(', ')}`),
  description: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(140, 'must be at most 140 characters')
    // PostgreSQL text cannot hold NUL (it would fail as a 500), and a line break or escape
    // sequence has no place in a one-line description shown in lists and logs.
    .refine((v) => !CONTROL_CHARACTER.test(v), {
      error: (issue) => {
        const input = String(issue.input);
        return `must not contain control characters (found ${codePoint(input, input.search(CONTROL_CHARACTER))}); use printable text`;
      },
    })
    .refine((v) => !INVISIBLE_OR_BIDI.test(v), {
      error: (issue) => {
        const input = String(issue.input);
        return `must not contain bidirectional or invisible characters (found ${codePoint(input, input.search(INVISIBLE_OR_BIDI))}); use printable text`;
      },
    }),
});
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const idempotencyHeader = z.object({
  'idempotency-key': z
    .string('is required: send a unique Idempotency-Key header per transaction, and the same one when retrying')
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters'),
});

type Row = typeof transactions.$inferSelect;
const view = (row: Row) => ({
  id: row.id,
  amountMinor: row.amountMinor,
  currency: row.currency,
  description: row.description,
  createdAt: row.createdAt.toISOString(),
});

/** Chained, so the routes' inputs and answers are part of the app's type (`AppType`, for `hc`). */
export function transactionRoutes(options: TokenOptions) {
  const { database } = options;
  return new Hono<AuthEnv>()
    .use('*', requireUser(options))
    .get('/', zValidator('query', listQuery, invalid('query')), async (c) => {
      const { limit } = c.req.valid('query');
      const user = c.get('user');
      const rows = await database.run((db) =>
        db
          .select()
          .from(transactions)
          .where(eq(transactions.userId, user.id))
          .orderBy(desc(transactions.createdAt), desc(transactions.id))
          .limit(limit),
      );
      return c.json({ transactions: rows.map(view) });
    })
    .post(
      '/',
      zValidator('header', idempotencyHeader, invalid('Idempotency-Key header', { header: true })),
      jsonOnly,
      zValidator('json', createBody, invalid('transaction')),
      async (c) => {
        const key = c.req.valid('header')['idempotency-key'];
        const body = c.req.valid('json');
        const user = c.get('user');
        const requestHash = createHash('sha256')
          .update(JSON.stringify([body.amountMinor, body.currency, body.description]))
          .digest('hex');

        const { row, created } = await database.run(async (db) => {
          const [inserted] = await db
            .insert(transactions)
            .values({ userId: user.id, ...body, idempotencyKey: key, requestHash })
            .onConflictDoNothing({ target: [transactions.userId, transactions.idempotencyKey] })
            .returning();
          if (inserted) return { row: inserted, created: true };
          const [existing] = await db
            .select()
            .from(transactions)
            .where(and(eq(transactions.userId, user.id), eq(transactions.idempotencyKey, key)));
          return { row: existing, created: false };
        });
        if (!row) throw new Error('idempotent insert found neither a new nor an existing row');
        if (!created && row.requestHash !== requestHash) {
          throw apiError(
            422,
            'idempotency_key_reused',
            'This Idempotency-Key was already used for a different transaction; use a new key for a new transaction',
          );
        }
        if (!created) c.header('Idempotent-Replayed', 'true');
        return c.json({ transaction: view(row) }, created ? 201 : 200);
      },
    );
}
