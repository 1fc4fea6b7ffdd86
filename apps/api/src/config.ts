/**
 * The API's configuration, read from the environment once at start-up. Every problem is collected
 * and reported together in one error naming the variable, what was found and what is allowed.
 * Secret values are never echoed, only their length.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseCredentials, type DatabaseCredentials } from './db/postgres.js';
import { redactUrl } from './log.js';
import { originSecrets } from './headers.js';

export const DEV_JWT_SECRET = 'dev-secret-change-in-production';
/** BankID Norway's OpenID provider puts the national identity number (fødselsnummer) in `nnin_altsub`, asked for with the scope of the same name. */
export const DEFAULT_BANKID_ID_CLAIM = 'nnin_altsub';
export const DEFAULT_BANKID_SCOPE = 'openid profile nnin_altsub';
/** Where the Dockerfile puts the RDS CA bundle (see the README, "Database TLS"). */
export const DEFAULT_DATABASE_CA_FILE = '/app/certs/rds-global-bundle.pem';

export interface ApiConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
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
        readonly url: string;
        readonly credentials?: DatabaseCredentials;
        readonly secretArn?: string;
        /** PEM of the CA to verify the server against; set in production. */
        readonly ca?: string;
      };
  readonly shutdownTimeoutMs: number;
  /** PostgreSQL statement_timeout; the client gives up a second later (a frozen server or network). */
  readonly queryTimeoutMs: number;
  /** The release (image tag) reported as health `version`. @default - the package version */
  readonly appVersion?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid API configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const secretShape = (value: string) => `a ${value.length}-character value`;

/** URL parameters through which pg would take TLS settings from DATABASE_URL. */
const TLS_URL_PARAMS = ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'sslnegotiation', 'uselibpqcompat'];

export function loadConfig(env: Env): ApiConfig {
  const problems: string[] = [];
  const bad = (name: string, found: string, allowed: string) => problems.push(`${name}: ${allowed} (found: ${found})`);
  const str = (name: string) => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const bool = (name: string, fallback: boolean) => {
    const value = str(name);
    if (value === undefined) return fallback;
    if (value === 'true' || value === 'false') return value === 'true';
    bad(name, JSON.stringify(value), 'must be "true" or "false"');
    return fallback;
  };
  const url = (name: string, protocols: string[]) => {
    const value = str(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (protocols.includes(parsed.protocol)) return value;
    } catch {
      // reported below
    }
    bad(name, JSON.stringify(redactUrl(value)), `must be a URL with scheme ${protocols.map((p) => p.replace(':', '')).join(' or ')}`);
    return undefined;
  };

  const nodeEnvRaw = str('NODE_ENV') ?? 'development';
  const nodeEnv = (['development', 'production', 'test'] as const).find((v) => v === nodeEnvRaw) ?? 'development';
  if (nodeEnv !== nodeEnvRaw) bad('NODE_ENV', JSON.stringify(nodeEnvRaw), 'must be one of development, production, test');
  const production = nodeEnv === 'production';

  const portRaw = str('PORT') ?? '3001';
  const port = Number(portRaw);
  if (!/^\d+$/.test(portRaw) || port > 65535) bad('PORT', JSON.stringify(portRaw), 'must be an integer from 0 (any free port) to 65535');

  const appUrl = url('APP_URL', ['http:', 'https:']) ?? 'http://localhost:3000';
  if (production && str('APP_URL') === undefined) bad('APP_URL', 'not set', 'is required in production (the web origin allowed by CORS)');

  let jwtSecret = str('JWT_SECRET');
  if (jwtSecret === undefined) {
    if (production) bad('JWT_SECRET', 'not set', 'is required in production (from Secrets Manager)');
    jwtSecret = DEV_JWT_SECRET;
  } else if (production && jwtSecret === DEV_JWT_SECRET) {
    bad('JWT_SECRET', 'the development secret', 'must not be the development secret in production');
  } else if (production && jwtSecret.length < 32) {
    bad('JWT_SECRET', secretShape(jwtSecret), 'must be at least 32 characters in production');
  }

  const dropEnv = str('DROP_ENV');
  if (dropEnv === undefined && production)
    bad('DROP_ENV', 'not set', 'is required in production (the environment name, set by the compute stack)');
  else if (dropEnv !== undefined && !/^[a-z][a-z0-9-]{0,62}$/.test(dropEnv))
    bad('DROP_ENV', JSON.stringify(dropEnv), 'must be an environment name: lowercase letters, digits and "-", starting with a letter');
  const tierRaw = str('DROP_TIER');
  if (tierRaw !== undefined && tierRaw !== 'staging' && tierRaw !== 'production')
    bad('DROP_TIER', JSON.stringify(tierRaw), 'must be "staging" or "production"');
  // Either signal makes an environment production-tier: the explicit tier, or a production* name.
  const productionTier = tierRaw === 'production' || (dropEnv ?? '').startsWith('production');

  const bankIdMock = bool('BANKID_MOCK', !production);
  if (production && bankIdMock) {
    bad(
      'BANKID_MOCK',
      '"true"',
      'must not be "true" when NODE_ENV is "production": mock sign-in is for development only; set BANKID_MOCK=false and BANKID_ISSUER',
    );
  }
  const bankIdClientId = str('BANKID_CLIENT_ID');
  const bankIdClientSecret = str('BANKID_CLIENT_SECRET');
  if (!bankIdMock) {
    if (!bankIdClientId) bad('BANKID_CLIENT_ID', 'not set', 'is required when BANKID_MOCK is "false"');
    if (!bankIdClientSecret) bad('BANKID_CLIENT_SECRET', 'not set', 'is required when BANKID_MOCK is "false"');
  }
  const callbackUrl = url('BANKID_CALLBACK_URL', ['http:', 'https:']);
  // Plain http only outside production: the tests' local OpenID provider.
  const issuer = url('BANKID_ISSUER', production ? ['https:'] : ['https:', 'http:']);
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

  const seedDemo = bool('SEED_DEMO', !production);
  if (seedDemo && productionTier) {
    bad(
      'SEED_DEMO',
      '"true"',
      `must not be "true" in a production-tier environment (DROP_ENV=${JSON.stringify(dropEnv ?? '')}, DROP_TIER=${JSON.stringify(tierRaw ?? '')}): demo data is for development and staging`,
    );
  }
  const sentryDsn = url('SENTRY_DSN', ['https:', 'http:']);

  const originVerifySecret = str('ORIGIN_VERIFY_SECRET');
  if (originVerifySecret === undefined) {
    if (production) bad('ORIGIN_VERIFY_SECRET', 'not set', 'is required in production (only the edge may reach the service)');
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

  let database: ApiConfig['database'];
  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl === undefined) {
    if (production) bad('DATABASE_URL', 'not set', 'is required in production (the embedded database is for development only)');
    database = { kind: 'embedded', dataDir: str('DATA_DIR') ?? './data' };
  } else {
    const valid = url('DATABASE_URL', ['postgres:', 'postgresql:']);
    let credentials: DatabaseCredentials | undefined;
    const credentialsJson = str('DATABASE_CREDENTIALS');
    if (credentialsJson !== undefined) {
      try {
        credentials = parseCredentials(credentialsJson, 'DATABASE_CREDENTIALS');
      } catch (error) {
        bad(
          'DATABASE_CREDENTIALS',
          secretShape(credentialsJson),
          (error as Error).message.replace('DATABASE_CREDENTIALS ', 'must be valid: '),
        );
      }
    }
    const secretArn = str('DATABASE_SECRET_ARN');
    if (secretArn !== undefined && !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(secretArn)) {
      bad(
        'DATABASE_SECRET_ARN',
        JSON.stringify(secretArn),
        'must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)',
      );
    }
    if (production && credentials && !secretArn) {
      bad('DATABASE_SECRET_ARN', 'not set', 'is required in production with DATABASE_CREDENTIALS (re-read when RDS rotates the password)');
    }
    let ca: string | undefined;
    if (production) {
      const caFile = str('DATABASE_CA_FILE') ?? DEFAULT_DATABASE_CA_FILE;
      if (!existsSync(caFile))
        bad('DATABASE_CA_FILE', JSON.stringify(caFile), 'must name a readable PEM file: production verifies the database certificate');
      else ca = readFileSync(caFile, 'utf8');
    }
    if (production && valid) {
      // pg lets the URL's TLS parameters replace the verified TLS options built from the CA file, and
      // sslmode=disable (or allow, prefer, no-verify) would send the password without (verified) TLS.
      const tlsParams = [...new URL(valid).searchParams].filter(([key]) => TLS_URL_PARAMS.includes(key));
      if (tlsParams.length) {
        bad(
          'DATABASE_URL',
          tlsParams.map(([key, value]) => `${key}=${value}`).join('&'),
          `must not carry ${TLS_URL_PARAMS.join(', ')} in production: TLS with certificate verification against DATABASE_CA_FILE is always on`,
        );
      }
    }
    database = { kind: 'postgres', url: valid ?? '', credentials, secretArn, ca };
  }

  const shutdownRaw = str('SHUTDOWN_TIMEOUT_MS') ?? '25000';
  const shutdownTimeoutMs = Number(shutdownRaw);
  if (!/^\d+$/.test(shutdownRaw) || shutdownTimeoutMs < 1)
    bad('SHUTDOWN_TIMEOUT_MS', JSON.stringify(shutdownRaw), 'must be a positive integer (milliseconds)');

  const queryTimeoutRaw = str('DATABASE_QUERY_TIMEOUT_MS') ?? '5000';
  const queryTimeoutMs = Number(queryTimeoutRaw);
  if (!/^\d+$/.test(queryTimeoutRaw) || queryTimeoutMs < 100 || queryTimeoutMs > 600_000) {
    bad('DATABASE_QUERY_TIMEOUT_MS', JSON.stringify(queryTimeoutRaw), 'must be an integer from 100 to 600000 (milliseconds)');
  }

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
