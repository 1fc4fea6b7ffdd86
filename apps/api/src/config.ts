/**
 * The API's configuration, read from the environment once at start-up. Every problem is collected
 * and reported together in one error naming the variable, what was found and what is allowed.
 * Secret values are never echoed, only their length. Only names of the environment contract
 * (`@drop/shared/env`, which the compute stack writes by) are read.
 *
 * Deployed means strict, whatever NODE_ENV says: any sign of a deployed instance (`DROP_ENV` or
 * `DROP_TIER` set, or `NODE_ENV=production`) refuses mock sign-in, the development JWT secret, a
 * missing origin secret, the embedded database and an unverified database connection.
 */
import { existsSync, readFileSync } from 'node:fs';
import { deploymentSigns } from '@drop/shared/deployed';
import { originSecrets } from '@drop/shared/headers';
import type { EnvName } from '@drop/shared/env';
import { redactText } from './log.js';

export const DEV_JWT_SECRET = 'dev-secret-change-in-production';
/** BankID Norway's OpenID provider puts the national identity number (fødselsnummer) in `nnin_altsub`, asked for with the scope of the same name. */
export const DEFAULT_BANKID_ID_CLAIM = 'nnin_altsub';
export const DEFAULT_BANKID_SCOPE = 'openid profile nnin_altsub';
/** Where the Dockerfile puts the RDS CA bundle (see the README, "Database TLS"). */
export const DEFAULT_DATABASE_CA_FILE = '/app/certs/rds-global-bundle.pem';

/** How the API authenticates to PostgreSQL: the URL's password, or RDS IAM tokens for `user`. */
export type DatabaseAuth =
  | { readonly kind: 'password' }
  | { readonly kind: 'iam'; readonly user: string; readonly region: string; readonly hostname: string; readonly port: number };

export interface ApiConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  /** A sign of a deployed instance was found (DROP_ENV, DROP_TIER, NODE_ENV=production): the strict rules apply. */
  readonly deployed: boolean;
  /** The environment's name (DROP_ENV), `development` without one: Sentry's environment, the overload metric's dimension. */
  readonly environment: string;
  readonly port: number;
  readonly appUrl: string;
  readonly jwtSecret: string;
  readonly bankId: {
    readonly mock: boolean;
    readonly clientId?: string;
    readonly clientSecret?: string;
    readonly callbackUrl?: string;
    /** The OpenID Connect issuer, found by discovery (BANKID_ISSUER). Set when mock is false. */
    readonly issuer?: string;
    /** The ID token claim holding the national identity number (BANKID_ID_CLAIM). */
    readonly idClaim: string;
    /** The scopes asked for (BANKID_SCOPE). */
    readonly scope: string;
  };
  readonly seedDemo: boolean;
  /** Error reporting: only when SENTRY_DSN is set. Release = the image tag (APP_VERSION), environment = DROP_ENV. */
  readonly sentry?: { readonly dsn: string; readonly release?: string; readonly environment: string };
  readonly originVerifySecret?: string;
  readonly database:
    | { readonly kind: 'embedded'; readonly dataDir: string }
    | {
        readonly kind: 'postgres';
        /** With IAM authentication: the runtime user, and no password. */
        readonly url: string;
        readonly auth: DatabaseAuth;
        /** PEM of the CA to verify the server against; set when deployed. */
        readonly ca?: string;
        /** Apply migrations at start (false: only check that none is pending; the migration job applies them). */
        readonly migrate: boolean;
        /** Connections per instance (DATABASE_POOL_MAX). */
        readonly poolMax: number;
        /** How long a request waits for a connection before it is answered 503 (DATABASE_POOL_WAIT_MS). */
        readonly poolWaitMs: number;
      };
  readonly shutdownTimeoutMs: number;
  /** PostgreSQL statement_timeout; the client gives up a second later (a frozen server or network). */
  readonly queryTimeoutMs: number;
  /** The release (image tag) reported as health `version`. @default - the package version */
  readonly appVersion?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    what = 'API',
  ) {
    super(
      `Invalid ${what} configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Partial<Record<string, string>>>;

const secretShape = (value: string) => `a ${value.length}-character value`;

/** A PostgreSQL role name as the platform makes them (`drop_app`). */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** URL parameters through which pg would take TLS settings from DATABASE_URL. */
const TLS_URL_PARAMS = ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'sslnegotiation', 'uselibpqcompat'];

export function loadConfig(env: Env): ApiConfig {
  const problems: string[] = [];
  const bad = (name: EnvName, found: string, allowed: string) => problems.push(`${name}: ${allowed} (found: ${found})`);
  const str = (name: EnvName) => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const bool = (name: EnvName, fallback: boolean) => {
    const value = str(name);
    if (value === undefined) return fallback;
    if (value === 'true' || value === 'false') return value === 'true';
    bad(name, JSON.stringify(value), 'must be "true" or "false"');
    return fallback;
  };
  const integer = (name: EnvName, fallback: number, min: number, max: number, unit = '') => {
    const raw = str(name) ?? String(fallback);
    const value = Number(raw);
    if (/^\d+$/.test(raw) && value >= min && value <= max) return value;
    bad(name, JSON.stringify(raw), `must be an integer from ${min} to ${max}${unit}`);
    return fallback;
  };
  const url = (name: EnvName, protocols: string[]) => {
    const value = str(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (protocols.includes(parsed.protocol)) return value;
    } catch {
      // reported below
    }
    bad(name, JSON.stringify(redactText(value)), `must be a URL with scheme ${protocols.map((p) => p.replace(':', '')).join(' or ')}`);
    return undefined;
  };

  const nodeEnvRaw = str('NODE_ENV') ?? 'development';
  const nodeEnv = (['development', 'production', 'test'] as const).find((v) => v === nodeEnvRaw) ?? 'development';
  if (nodeEnv !== nodeEnvRaw) bad('NODE_ENV', JSON.stringify(nodeEnvRaw), 'must be one of development, production, test');
  const dropEnv = str('DROP_ENV');
  const tierRaw = str('DROP_TIER');
  // Any sign of a deployed instance; `why` names it in the refusals below.
  const signs = deploymentSigns(env);
  const deployed = signs.length > 0;
  const why = `a deployed instance (${signs.join(', ')})`;

  const portRaw = str('PORT') ?? '3001';
  const port = Number(portRaw);
  if (!/^\d+$/.test(portRaw) || port > 65535) bad('PORT', JSON.stringify(portRaw), 'must be an integer from 0 (any free port) to 65535');

  const appUrl = url('APP_URL', ['http:', 'https:']) ?? 'http://localhost:3000';
  if (deployed && str('APP_URL') === undefined) bad('APP_URL', 'not set', `is required in ${why} (the web origin allowed by CORS)`);

  let jwtSecret = str('JWT_SECRET');
  if (jwtSecret === undefined) {
    if (deployed) bad('JWT_SECRET', 'not set', `is required in ${why}: the development secret signs nothing there (from Secrets Manager)`);
    jwtSecret = DEV_JWT_SECRET;
  } else if (deployed && jwtSecret === DEV_JWT_SECRET) {
    bad('JWT_SECRET', 'the development secret', `must not be the development secret in ${why}`);
  } else if (deployed && jwtSecret.length < 32) {
    bad('JWT_SECRET', secretShape(jwtSecret), `must be at least 32 characters in ${why}`);
  }

  if (dropEnv === undefined && nodeEnv === 'production')
    bad('DROP_ENV', 'not set', 'is required in production (the environment name, set by the compute stack)');
  else if (dropEnv !== undefined && !/^[a-z][a-z0-9-]{0,62}$/.test(dropEnv))
    bad('DROP_ENV', JSON.stringify(dropEnv), 'must be an environment name: lowercase letters, digits and "-", starting with a letter');
  if (tierRaw !== undefined && tierRaw !== 'staging' && tierRaw !== 'production')
    bad('DROP_TIER', JSON.stringify(tierRaw), 'must be "staging" or "production"');

  const bankIdMock = bool('BANKID_MOCK', !deployed);
  if (deployed && bankIdMock) {
    bad(
      'BANKID_MOCK',
      '"true"',
      `must not be "true" in ${why}: mock sign-in is for development only; set BANKID_MOCK=false and BANKID_ISSUER`,
    );
  }
  const bankIdClientId = str('BANKID_CLIENT_ID');
  const bankIdClientSecret = str('BANKID_CLIENT_SECRET');
  if (!bankIdMock) {
    if (!bankIdClientId) bad('BANKID_CLIENT_ID', 'not set', 'is required when BANKID_MOCK is "false"');
    if (!bankIdClientSecret) bad('BANKID_CLIENT_SECRET', 'not set', 'is required when BANKID_MOCK is "false"');
  }
  const callbackUrl = url('BANKID_CALLBACK_URL', ['http:', 'https:']);
  // Plain http only outside deployed instances: the tests' local OpenID provider.
  const issuer = url('BANKID_ISSUER', deployed ? ['https:'] : ['https:', 'http:']);
  const idClaim = str('BANKID_ID_CLAIM') ?? DEFAULT_BANKID_ID_CLAIM;
  if (!/^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/.test(idClaim))
    bad('BANKID_ID_CLAIM', JSON.stringify(idClaim), 'must be a claim name (letters, digits, "_", ".", ":", "-")');
  const scope = str('BANKID_SCOPE') ?? DEFAULT_BANKID_SCOPE;
  if (!scope.split(' ').includes('openid') || !/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(scope)) {
    bad('BANKID_SCOPE', JSON.stringify(scope), 'must be space-separated OAuth scopes including "openid"');
  }
  if (!bankIdMock) {
    if (!str('BANKID_ISSUER'))
      bad(
        'BANKID_ISSUER',
        'not set',
        'is required when BANKID_MOCK is "false" (the OpenID Connect issuer URL, e.g. https://auth.current.bankid.no/auth/realms/current)',
      );
    if (!str('BANKID_CALLBACK_URL'))
      bad('BANKID_CALLBACK_URL', 'not set', 'is required when BANKID_MOCK is "false" (the web app\'s /api/auth/bankid/callback)');
  }

  // Demo data needs an explicit non-production tier once deployed: a production* name, or no tier
  // at all, is refused (a deployed environment without DROP_TIER may be live).
  const seedDemo = bool('SEED_DEMO', !deployed);
  if (seedDemo && deployed && (tierRaw !== 'staging' || (dropEnv ?? '').startsWith('production'))) {
    bad(
      'SEED_DEMO',
      '"true"',
      `needs an explicit non-production tier (DROP_TIER=staging, and a DROP_ENV not named production*) in ${why}: demo data is for development and staging only`,
    );
  }
  const sentryDsn = url('SENTRY_DSN', ['https:', 'http:']);

  const originVerifySecret = str('ORIGIN_VERIFY_SECRET');
  if (originVerifySecret === undefined) {
    if (deployed) bad('ORIGIN_VERIFY_SECRET', 'not set', `is required in ${why} (only the edge may reach the service)`);
  } else {
    const values = originSecrets(originVerifySecret);
    if (values.length > 2 || values.some((v) => v.length < 16)) {
      bad(
        'ORIGIN_VERIFY_SECRET',
        values.map(secretShape).join(', '),
        'must be "current" or "current,previous", each value at least 16 characters',
      );
    }
  }

  const queryTimeoutMs = integer('DATABASE_QUERY_TIMEOUT_MS', 5000, 100, 600_000, ' (milliseconds)');
  let database: ApiConfig['database'];
  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl === undefined) {
    if (deployed) bad('DATABASE_URL', 'not set', `is required in ${why} (the embedded database is for development only)`);
    database = { kind: 'embedded', dataDir: str('DATA_DIR') ?? './data' };
  } else {
    const valid = url('DATABASE_URL', ['postgres:', 'postgresql:']);
    const parsed = valid ? new URL(valid) : undefined;
    const authRaw = str('DATABASE_AUTH') ?? 'password';
    let auth: DatabaseAuth = { kind: 'password' };
    if (authRaw === 'iam') {
      const user = str('DATABASE_USER');
      const region = str('DATABASE_REGION');
      if (!user || !ROLE_NAME.test(user))
        bad(
          'DATABASE_USER',
          user ? JSON.stringify(user) : 'not set',
          'is required with DATABASE_AUTH=iam: the PostgreSQL role to connect as (granted rds_iam)',
        );
      if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
        bad(
          'DATABASE_REGION',
          region ? JSON.stringify(region) : 'not set',
          'is required with DATABASE_AUTH=iam: the AWS region of the database, e.g. eu-west-1',
        );
      if (parsed?.password)
        bad(
          'DATABASE_URL',
          JSON.stringify(redactText(valid!)),
          'must carry no password with DATABASE_AUTH=iam: each connection signs an IAM token',
        );
      if (user && region && parsed) {
        parsed.username = user;
        auth = { kind: 'iam', user, region, hostname: parsed.hostname, port: Number(parsed.port || 5432) };
      }
    } else if (authRaw !== 'password') {
      bad('DATABASE_AUTH', JSON.stringify(authRaw), 'must be "password" (the URL\'s) or "iam" (RDS IAM authentication)');
    }
    const migrate = bool('DATABASE_MIGRATE', authRaw !== 'iam');
    if (migrate && authRaw === 'iam')
      bad(
        'DATABASE_MIGRATE',
        '"true"',
        'must not be "true" with DATABASE_AUTH=iam: the runtime role cannot run DDL; migrations run as the migration job (npm run db:migrate)',
      );
    let ca: string | undefined;
    if (deployed) {
      const caFile = str('DATABASE_CA_FILE') ?? DEFAULT_DATABASE_CA_FILE;
      if (!existsSync(caFile))
        bad('DATABASE_CA_FILE', JSON.stringify(caFile), `must name a readable PEM file: ${why} verifies the database certificate`);
      else ca = readFileSync(caFile, 'utf8');
    }
    if (deployed && parsed) {
      // pg lets the URL's TLS parameters replace the verified TLS options built from the CA file, and
      // sslmode=disable (or allow, prefer, no-verify) would send the password without (verified) TLS.
      const tlsParams = [...parsed.searchParams].filter(([key]) => TLS_URL_PARAMS.includes(key));
      if (tlsParams.length) {
        bad(
          'DATABASE_URL',
          tlsParams.map(([key, value]) => `${key}=${value}`).join('&'),
          `must not carry ${TLS_URL_PARAMS.join(', ')} in ${why}: TLS with certificate verification against DATABASE_CA_FILE is always on`,
        );
      }
    }
    database = {
      kind: 'postgres',
      url: parsed?.toString() ?? '',
      auth,
      ca,
      migrate,
      poolMax: integer('DATABASE_POOL_MAX', 10, 1, 100),
      poolWaitMs: integer('DATABASE_POOL_WAIT_MS', 2000, 50, 60_000, ' (milliseconds)'),
    };
  }

  const shutdownRaw = str('SHUTDOWN_TIMEOUT_MS') ?? '25000';
  const shutdownTimeoutMs = Number(shutdownRaw);
  if (!/^\d+$/.test(shutdownRaw) || shutdownTimeoutMs < 1)
    bad('SHUTDOWN_TIMEOUT_MS', JSON.stringify(shutdownRaw), 'must be a positive integer (milliseconds)');

  const appVersion = str('APP_VERSION');
  if (appVersion !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(appVersion)) {
    bad(
      'APP_VERSION',
      JSON.stringify(appVersion),
      'must be an image tag: 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-"',
    );
  }

  if (problems.length) throw new ConfigError(problems);
  return {
    nodeEnv,
    deployed,
    environment: dropEnv ?? 'development',
    port,
    appUrl,
    jwtSecret,
    bankId: { mock: bankIdMock, clientId: bankIdClientId, clientSecret: bankIdClientSecret, callbackUrl, issuer, idClaim, scope },
    seedDemo,
    sentry: sentryDsn ? { dsn: sentryDsn, release: appVersion, environment: dropEnv ?? 'development' } : undefined,
    originVerifySecret,
    database,
    shutdownTimeoutMs,
    queryTimeoutMs,
    appVersion,
  };
}
