/** What only the real PostgreSQL server shows: a hanging or absent server, password rotation, concurrent migrations. */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresDatabase, type SecretSource } from '../src/db/postgres.js';
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
      const database = await openPostgresDatabase({ url: `postgres://drop:x@127.0.0.1:${port}/drop`, connectTimeoutMs: 10_000 });
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

  describe('password rotation', () => {
    let db: Awaited<ReturnType<typeof createPgDatabase>>;
    const role = `drop_app_${randomBytes(4).toString('hex')}`;
    beforeAll(async () => {
      db = await createPgDatabase();
      await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD 'first-password'`);
      await adminQuery(`GRANT ALL ON DATABASE ${db.name} TO ${role}`);
      await adminQuery(`ALTER DATABASE ${db.name} OWNER TO ${role}`);
    });
    afterAll(async () => {
      await db.drop();
      await adminQuery(`DROP ROLE IF EXISTS ${role}`);
    });

    it('re-reads the secret on 28P01, replaces the pool and retries once', async () => {
      // GIVEN an instance started with the first password, and a Secrets Manager that already holds the second
      let secret = JSON.stringify({ username: role, password: 'first-password' });
      const calls: string[] = [];
      const secrets: SecretSource = {
        async getSecretString(id) {
          calls.push(id);
          return secret;
        },
      };
      const url = new URL(db.url);
      url.username = '';
      url.password = '';
      const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-test';
      const database = await openPostgresDatabase({
        url: url.toString(),
        credentials: { username: role, password: 'first-password' },
        secretArn: arn,
        secrets,
      });
      await database.migrate();
      const app = testApp(database);
      expect((await app.request('/v1/health')).status).toBe(200);

      // WHEN RDS rotates the password and the instance's connections are gone
      secret = JSON.stringify({ username: role, password: 'second-password' });
      await adminQuery(`ALTER ROLE ${role} PASSWORD 'second-password'`);
      await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role]);
      await new Promise((resolve) => setTimeout(resolve, 200));

      // THEN concurrent requests succeed, through one secret read
      const responses = await Promise.all(Array.from({ length: 5 }, () => app.request('/v1/health')));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(calls).toEqual([arn]);
      await database.close();
    });

    it('fails (no endless loop) when the secret holds a wrong password too', async () => {
      let reads = 0;
      const secrets: SecretSource = {
        getSecretString: async () => {
          reads++;
          return JSON.stringify({ username: role, password: 'still-wrong' });
        },
      };
      const database = await openPostgresDatabase({
        url: db.url,
        credentials: { username: role, password: 'wrong' },
        secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x',
        secrets,
      });
      expect((await testApp(database).request('/v1/health')).status).toBe(503);
      expect(reads).toBe(1);
      await database.close();
    });
  });

  describe('migrations', () => {
    it('are applied exactly once when several instances start at once', async () => {
      const db = await createPgDatabase();
      const instances = await Promise.all(Array.from({ length: 4 }, () => openPostgresDatabase({ url: db.url })));
      try {
        const applied = await Promise.all(instances.map((i) => i.migrate()));
        expect(applied.flat()).toEqual(['0001_init.sql', '0002_oidc_flows.sql']);
        const rows = await adminQuery<{ name: string }>('SELECT name FROM drop_schema_migrations ORDER BY name', [], db.url);
        expect(rows).toEqual([{ name: '0001_init.sql' }, { name: '0002_oidc_flows.sql' }]);
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
