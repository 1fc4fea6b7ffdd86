/**
 * The database roles and the schema, as the migration job sets them up (apps/api/src/migrate.ts),
 * connected as an administrator (in AWS the RDS master user, whose secret only that job's task
 * gets). Every step is idempotent, so the job runs before every release, and its first run, right
 * after the data stack created the instance, creates the roles:
 *
 * 1. `drop_owner` (NOLOGIN: no credential exists for it) owns the application's tables. Tables an
 *    earlier release created as the administrator are handed over to it.
 * 2. `drop_app` (LOGIN), what the services connect as: with `runtimeAuth: 'iam'` it is granted
 *    `rds_iam` and has no password (RDS IAM authentication only); with `'password'` (Compose,
 *    tests, where IAM does not exist) it gets the given password.
 * 3. The migrations run as `drop_owner` (`SET ROLE`), not as the administrator: a migration can
 *    create and alter the application's tables, and nothing else (no roles, no other schema).
 * 4. `drop_app` may use the schema and SELECT, INSERT, UPDATE and DELETE rows of the application's
 *    tables, read (not write) `drop_schema_migrations`, and nothing else: no CREATE on the schema
 *    or TEMP on the database, no TRUNCATE, no DDL (it owns nothing), no role management, no
 *    `pg_authid`. Default privileges give it the same on tables later migrations create.
 *
 * Role names are given by the caller (tests use their own per database: roles are cluster-wide).
 */
import pg from 'pg';
import { migrate, type Migration, type MigrationConnection } from './migrate.js';

export interface ProvisionOptions {
  /** Owns the tables; migrations run as it. */
  readonly owner: string;
  /** What the services connect as. */
  readonly runtime: string;
  /** `iam`: GRANT rds_iam and no password (RDS); `password`: the given password (elsewhere). */
  readonly runtimeAuth: { readonly kind: 'iam' } | { readonly kind: 'password'; readonly password: string };
  /** @default - the files in `migrations/` */
  readonly migrations?: Migration[];
  readonly log?: (message: string) => void;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** What the runtime role may do with the application's rows. */
const ROW_PRIVILEGES = 'SELECT, INSERT, UPDATE, DELETE';

/** Sets up roles, ownership, migrations and grants (see above); returns the migrations applied. */
export async function provisionDatabase(connection: MigrationConnection, options: ProvisionOptions): Promise<string[]> {
  const log = options.log ?? (() => undefined);
  for (const role of [options.owner, options.runtime])
    if (!ROLE_NAME.test(role)) throw new Error(`Role name ${JSON.stringify(role)} is not allowed: lowercase letters, digits and "_"`);
  const owner = pg.escapeIdentifier(options.owner);
  const runtime = pg.escapeIdentifier(options.runtime);
  const exec = (sql: string) => connection.exec(sql);
  const [{ database }] = await connection.query<{ database: string }>('SELECT current_database() AS database');
  const db = pg.escapeIdentifier(database);

  // 1 and 2: the roles, created when missing, their attributes set every time.
  for (const [role, login] of [
    [options.owner, false],
    [options.runtime, true],
  ] as const) {
    const exists = await connection.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (exists.length === 0) {
      await exec(`CREATE ROLE ${pg.escapeIdentifier(role)} ${login ? 'LOGIN' : 'NOLOGIN'}`);
      log(`created role ${role}`);
    }
  }
  await exec(`ALTER ROLE ${owner} NOLOGIN NOCREATEDB NOCREATEROLE`);
  await exec(`ALTER ROLE ${runtime} LOGIN NOCREATEDB NOCREATEROLE`);
  if (options.runtimeAuth.kind === 'iam') {
    const rdsIam = await connection.query("SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam'");
    if (rdsIam.length === 0) throw new Error('The role rds_iam does not exist: IAM authentication for the runtime role needs RDS');
    await exec(`GRANT rds_iam TO ${runtime}`);
    await exec(`ALTER ROLE ${runtime} PASSWORD NULL`);
  } else {
    await exec(`ALTER ROLE ${runtime} PASSWORD ${pg.escapeLiteral(options.runtimeAuth.password)}`);
  }
  // The administrator runs the migrations as the owner (PostgreSQL 16: membership with SET).
  await exec(`GRANT ${owner} TO CURRENT_USER WITH INHERIT FALSE, SET TRUE`);

  // The database and the schema: nobody but these roles gets in, only the owner creates.
  await exec(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
  await exec(`GRANT CONNECT ON DATABASE ${db} TO ${runtime}`);
  await exec('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
  await exec(`GRANT USAGE, CREATE ON SCHEMA public TO ${owner}`);
  await exec(`GRANT USAGE ON SCHEMA public TO ${runtime}`);

  // 1: what the administrator created itself (releases before these roles existed) goes to the owner.
  const owned = await connection.query<{ name: string; kind: string }>(
    `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
        AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))`,
  );
  for (const { name, kind } of owned) {
    const what = kind === 'S' ? 'SEQUENCE' : kind === 'v' ? 'VIEW' : kind === 'm' ? 'MATERIALIZED VIEW' : 'TABLE';
    await exec(`ALTER ${what} public.${pg.escapeIdentifier(name)} OWNER TO ${owner}`);
  }
  if (owned.length) log(`handed ${owned.length} object(s) to ${options.owner}`);

  // 3 and 4: migrate and grant as the owner.
  await exec(`SET ROLE ${owner}`);
  try {
    const applied = await migrate(connection, options.migrations);
    await exec(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT ${ROW_PRIVILEGES} ON TABLES TO ${runtime}`);
    await exec(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${runtime}`);
    await exec(`GRANT ${ROW_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO ${runtime}`);
    await exec(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${runtime}`);
    // The services check the schema at start; only the migration job writes its history.
    await exec(`REVOKE INSERT, UPDATE, DELETE ON drop_schema_migrations FROM ${runtime}`);
    return applied;
  } finally {
    await exec('RESET ROLE');
  }
}
