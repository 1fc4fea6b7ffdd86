/**
 * The one drizzle schema, for PostgreSQL (pg) and the embedded PGlite alike. The tables are
 * created by the SQL files in `migrations/`; a test checks that both agree column by column.
 */
import { bigint, char, index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  nationalId: text('national_id').notNull().unique(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const authOrders = pgTable('auth_orders', {
  id: uuid('id').primaryKey().defaultRandom(),
  nationalId: text('national_id').notNull(),
  status: text('status', { enum: ['pending', 'complete'] })
    .notNull()
    .default('pending'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

/** Live BankID (OpenID Connect) authorization requests in progress; consumed by the callback. */
export const oidcFlows = pgTable(
  'oidc_flows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    state: text('state').notNull(),
    nonce: text('nonce').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('oidc_flows_expires_at').on(t.expiresAt)],
);

/** Tokens signed out before they expired (`jti`), until they would have expired. */
export const revokedTokens = pgTable(
  'revoked_tokens',
  {
    jti: uuid('jti').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('revoked_tokens_expires_at').on(t.expiresAt)],
);

export const transactions = pgTable(
  'transactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    // Integer minor units (øre, cents). bigint in the database; numbers beyond 2^53 are refused at input.
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    description: text('description').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    requestHash: text('request_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('transactions_user_idempotency_key').on(t.userId, t.idempotencyKey),
    index('transactions_user_created').on(t.userId, t.createdAt.desc(), t.id.desc()),
  ],
);

export const schema = { users, authOrders, oidcFlows, revokedTokens, transactions };
export type Schema = typeof schema;
