/**
 * The migration job: `node apps/api/dist/migrate.js` (the api image, another command). In AWS
 * `npm run db:migrate` runs it as a one-off ECS task before every release's services start, and
 * once after the data stack created the database (the first run creates the roles). It connects
 * as the RDS master user, whose secret only this task gets (DATABASE_CREDENTIALS, injected by its
 * execution role; the services never see it), and sets up roles, migrations and grants
 * (db/provision.ts). Exit codes: 0 done, 78 bad configuration, 1 failed.
 *
 * Outside AWS (Compose, tests) the same job runs with the administrator in DATABASE_URL and the
 * runtime role's password in DATABASE_RUNTIME_PASSWORD.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { deploymentSigns } from '@drop/shared/deployed';
import { DATABASE_ROLES, type EnvName } from '@drop/shared/env';
import { ConfigError, DEFAULT_DATABASE_CA_FILE } from './config.js';
import { migrationConnection } from './db/postgres.js';
import { provisionDatabase, type ProvisionOptions } from './db/provision.js';
import { describeError, redactText, safeLine } from './log.js';
import { existsSync, readFileSync } from 'node:fs';

export interface MigrationJobConfig {
  /** The administrator's connection (the master user's credentials in AWS). */
  readonly url: string;
  readonly ca?: string;
  readonly runtime: string;
  readonly runtimeAuth: ProvisionOptions['runtimeAuth'];
}

type Env = Readonly<Partial<Record<string, string>>>;

/** The RDS-managed master secret's JSON (`{"username":"...","password":"..."}`); never echoes its content. */
export function parseCredentials(json: string): { username: string; password: string } | undefined {
  try {
    const value = JSON.parse(json) as Record<string, unknown>;
    if (typeof value?.username === 'string' && value.username && typeof value.password === 'string' && value.password)
      return { username: value.username, password: value.password };
  } catch {
    // reported by the caller
  }
  return undefined;
}

export function loadMigrationConfig(env: Env): MigrationJobConfig {
  const problems: string[] = [];
  const str = (name: EnvName) => (env[name] === '' ? undefined : env[name]);
  const bad = (name: EnvName, found: string, allowed: string) => problems.push(`${name}: ${allowed} (found: ${found})`);
  const deployed = deploymentSigns(env).length > 0;

  let url: URL | undefined;
  const raw = str('DATABASE_URL');
  try {
    url = raw ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || !['postgres:', 'postgresql:'].includes(url.protocol))
    bad('DATABASE_URL', raw ? JSON.stringify(redactText(raw)) : 'not set', 'must be a postgres:// URL of the database to migrate');
  const credentialsJson = str('DATABASE_CREDENTIALS');
  if (credentialsJson !== undefined) {
    const credentials = parseCredentials(credentialsJson);
    if (!credentials)
      bad('DATABASE_CREDENTIALS', `a ${credentialsJson.length}-character value`, 'must be the JSON {"username":"...","password":"..."}');
    else if (url) {
      url.username = encodeURIComponent(credentials.username);
      url.password = encodeURIComponent(credentials.password);
    }
  }
  const runtime = str('DATABASE_RUNTIME_USER') ?? DATABASE_ROLES.runtime;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(runtime)) bad('DATABASE_RUNTIME_USER', JSON.stringify(runtime), 'must be a role name');
  const authRaw = str('DATABASE_RUNTIME_AUTH') ?? (deployed ? 'iam' : 'password');
  const password = str('DATABASE_RUNTIME_PASSWORD');
  let runtimeAuth: ProvisionOptions['runtimeAuth'] = { kind: 'iam' };
  if (authRaw === 'password') {
    if (!password || password.length < 16)
      bad(
        'DATABASE_RUNTIME_PASSWORD',
        password ? `a ${password.length}-character value` : 'not set',
        'must be at least 16 characters with DATABASE_RUNTIME_AUTH=password',
      );
    runtimeAuth = { kind: 'password', password: password ?? '' };
  } else if (authRaw !== 'iam') {
    bad('DATABASE_RUNTIME_AUTH', JSON.stringify(authRaw), 'must be "iam" (RDS) or "password"');
  }
  let ca: string | undefined;
  if (deployed) {
    const caFile = str('DATABASE_CA_FILE') ?? DEFAULT_DATABASE_CA_FILE;
    if (existsSync(caFile)) ca = readFileSync(caFile, 'utf8');
    else bad('DATABASE_CA_FILE', JSON.stringify(caFile), 'must name a readable PEM file: a deployed job verifies the database certificate');
  }
  if (problems.length) throw new ConfigError(problems, 'migration job');
  return { url: url!.toString(), ca, runtime, runtimeAuth };
}

/** Connects as the administrator and provisions (roles, migrations as the owner, grants); resolves with the migrations applied. */
export async function runMigrationJob(config: MigrationJobConfig, log: (message: string) => void): Promise<string[]> {
  const client = new pg.Client({
    connectionString: config.url,
    ssl: config.ca ? { ca: config.ca, rejectUnauthorized: true } : undefined,
    connectionTimeoutMillis: 30_000,
  });
  await client.connect();
  try {
    return await provisionDatabase(migrationConnection(client), {
      owner: DATABASE_ROLES.owner,
      runtime: config.runtime,
      runtimeAuth: config.runtimeAuth,
      log,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const log = (message: string) => console.error(`[migrate] ${safeLine(message)}`);
  let config: MigrationJobConfig;
  try {
    config = loadMigrationConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  try {
    const applied = await runMigrationJob(config, log);
    log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'schema up to date');
    log(`roles and grants in place (runtime role ${config.runtime}, ${config.runtimeAuth.kind} authentication)`);
  } catch (error) {
    log(`failed: ${describeError(error)}`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
