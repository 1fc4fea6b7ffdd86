/** What only the real PostgreSQL server shows: a hanging or absent server, a refused IAM token, concurrent migrations. */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamTokenProvider } from '../src/db/iam-token.js';
import { openPostgresDatabase } from '../src/db/postgres.js';
import { schema } from '../src/db/schema.js';
import { adminQuery, createPgDatabase, embeddedOnly, testApp } from './helpers.js';

describe.skipIf(embeddedOnly)('PostgreSQL', () => {
  describe('health when the server does not answer', () => {
    let blackhole: Server;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      // Accepts TCP connections and never says a word: a database that hangs.
      blackhole = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => {
      sockets.forEach((s) => s.destroy());
      blackhole.close();
    });

    it('answers 503 within the 2 s budget when the database hangs', async () => {
      const { port } = blackhole.address() as AddressInfo;
      const database = await openPostgresDatabase({ url: `postgres://drop:x@127.0.0.1:${port}/drop`, poolWaitMs: 10_000 });
      const app = testApp(database);
      const start = performance.now();
      const res = await app.request('/v1/health');
      const elapsed = performance.now() - start;
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'error', db: 'disconnected' });
      expect(elapsed).toBeGreaterThanOrEqual(1900);
      expect(elapsed).toBeLessThan(3000);
      sockets.forEach((s) => s.destroy());
      await database.close();
    });

    it('answers 503 at once when nothing listens', async () => {
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const { port } = probe.address() as AddressInfo;
      await new Promise((resolve) => probe.close(resolve));
      const database = await openPostgresDatabase({ url: `postgres://drop:x@127.0.0.1:${port}/drop` });
      const res = await testApp(database).request('/v1/health');
      expect(res.status).toBe(503);
      await database.close();
    });
  });

  describe('a refused IAM token', () => {
    let db: Awaited<ReturnType<typeof createPgDatabase>>;
    const role = `drop_app_${randomBytes(4).toString('hex')}`;
    beforeAll(async () => {
      db = await createPgDatabase();
      // The test server has no IAM: the role's password stands in for a valid token.
      await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD 'valid-token'`);
      await adminQuery(`GRANT CONNECT ON DATABASE ${db.name} TO ${role}`);
    });
    afterAll(async () => {
      await db.drop();
      await adminQuery(`DROP ROLE IF EXISTS ${role}`);
    });
    const urlAs = (user: string) => {
      const url = new URL(db.url);
      url.username = user;
      url.password = '';
      return url.toString();
    };

    /** A database as `role`, whose signer hands out `tokens` in turn (the last one again when they run out); `signed()` counts. */
    const signingWith = async (tokens: string[]) => {
      let signed = 0;
      const signer = { getAuthToken: async () => tokens[Math.min(signed++, tokens.length - 1)] };
      const iam = iamTokenProvider({ hostname: 'db', port: 5432, username: role, region: 'eu-west-1', signer });
      return { database: await openPostgresDatabase({ url: urlAs(role), iam }), signed: () => signed };
    };

    it('is dropped on 28P01 and the request tried once more with a newly signed token', async () => {
      // GIVEN a signer whose first token the server refuses (RDS answers an expired or wrongly signed one so)
      const { database, signed } = await signingWith(['refused-token', 'valid-token']);
      // WHEN concurrent requests need connections
      const app = testApp(database);
      const responses = await Promise.all(Array.from({ length: 5 }, () => app.request('/v1/health')));
      // THEN they succeed, with one token signed after the refusal (the cached one serves the rest)
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(signed()).toBe(2);
      await database.close();
    });

    it('fails (no endless loop) when the new token is refused too', async () => {
      const { database, signed } = await signingWith(['still-refused']);
      expect((await testApp(database).request('/v1/health')).status).toBe(503);
      expect(signed()).toBe(2);
      await database.close();
    });
  });

  describe('migrations', () => {
    it('are applied exactly once when several instances start at once', async () => {
      const db = await createPgDatabase();
      const instances = await Promise.all(Array.from({ length: 4 }, () => openPostgresDatabase({ url: db.url })));
      try {
        const applied = await Promise.all(instances.map((i) => i.migrate()));
        expect(applied.flat()).toEqual(['0001_init.sql', '0002_oidc_flows.sql', '0003_revoked_tokens.sql']);
        const rows = await adminQuery<{ name: string }>('SELECT name FROM drop_schema_migrations ORDER BY name', [], db.url);
        expect(rows).toEqual([{ name: '0001_init.sql' }, { name: '0002_oidc_flows.sql' }, { name: '0003_revoked_tokens.sql' }]);
      } finally {
        await Promise.all(instances.map((i) => i.close()));
        await db.drop();
      }
    });

    it('create exactly the columns the drizzle schema declares', async () => {
      const db = await createPgDatabase();
      const database = await openPostgresDatabase({ url: db.url });
      try {
        await database.migrate();
        const columns = await adminQuery<{ table_name: string; column_name: string; is_nullable: string; udt_name: string }>(
          `SELECT table_name, column_name, is_nullable, udt_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'drop_schema_migrations' ORDER BY 1, 2`,
          [],
          db.url,
        );
        const declared = Object.values(schema)
          .flatMap((table) => {
            const config = getTableConfig(table);
            return config.columns.map((c) => ({
              table_name: config.name,
              column_name: c.name,
              is_nullable: c.notNull ? 'NO' : 'YES',
              udt_name:
                { PgUUID: 'uuid', PgText: 'text', PgTimestamp: 'timestamptz', PgBigInt53: 'int8', PgChar: 'bpchar' }[c.columnType] ??
                c.columnType,
            }));
          })
          .sort((a, b) => `${a.table_name}.${a.column_name}`.localeCompare(`${b.table_name}.${b.column_name}`));
        expect(columns).toEqual(declared);
      } finally {
        await database.close();
        await db.drop();
      }
    });
  });
});
