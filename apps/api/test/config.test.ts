/** Start-up configuration: one error listing every problem, never a secret's value. */
import { describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET, loadConfig } from '../src/config.js';
import { problems, production } from './production-config.js';

describe('API configuration', () => {
  it('starts in development with no variables: embedded database, mocked BankID, demo seed', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ nodeEnv: 'development', port: 3001, jwtSecret: DEV_JWT_SECRET, seedDemo: true, bankId: { mock: true } });
    expect(config.database).toEqual({ kind: 'embedded', dataDir: './data' });
  });

  it('accepts the production environment the compute stack gives: IAM authentication as the runtime role, TLS verified against the CA file', () => {
    const config = loadConfig(production);
    expect(config.database).toMatchObject({
      kind: 'postgres',
      url: 'postgres://drop_app@drop-production.abc.eu-west-1.rds.amazonaws.com:5432/drop',
      auth: { kind: 'iam', user: 'drop_app', region: 'eu-west-1', hostname: 'drop-production.abc.eu-west-1.rds.amazonaws.com', port: 5432 },
      migrate: false,
      poolMax: 10,
      poolWaitMs: 2000,
    });
    expect(config.database.kind === 'postgres' && config.database.ca).toMatch(/BEGIN CERTIFICATE/);
    expect(config).toMatchObject({ deployed: true, seedDemo: false, queryTimeoutMs: 5000 });
  });

  it('reads the pool size and its wait from the environment, refusing bad values', () => {
    const config = loadConfig({ ...production, DATABASE_POOL_MAX: '4', DATABASE_POOL_WAIT_MS: '750' });
    expect(config.database).toMatchObject({ poolMax: 4, poolWaitMs: 750 });
    expect(problems({ ...production, DATABASE_POOL_MAX: '0', DATABASE_POOL_WAIT_MS: 'soon' })).toEqual([
      'DATABASE_POOL_MAX: must be an integer from 1 to 100 (found: "0")',
      'DATABASE_POOL_WAIT_MS: must be an integer from 50 to 60000 (milliseconds) (found: "soon")',
    ]);
  });

  it('with IAM authentication, needs the user and region, refuses a password in the URL and migrations at start', () => {
    const { DATABASE_USER: _u, DATABASE_REGION: _r, ...rest } = production;
    expect(problems({ ...rest, DATABASE_URL: 'postgres://drop_admin:hunter2-password@db:5432/drop', DATABASE_MIGRATE: 'true' })).toEqual([
      'DATABASE_USER: is required with DATABASE_AUTH=iam: the PostgreSQL role to connect as (granted rds_iam) (found: not set)',
      'DATABASE_REGION: is required with DATABASE_AUTH=iam: the AWS region of the database, e.g. eu-west-1 (found: not set)',
      'DATABASE_URL: must carry no password with DATABASE_AUTH=iam: each connection signs an IAM token (found: "postgres://drop_admin:[Filtered]@db:5432/drop")',
      'DATABASE_MIGRATE: must not be "true" with DATABASE_AUTH=iam: the runtime role cannot run DDL; migrations run as the migration job (npm run db:migrate) (found: "true")',
    ]);
    expect(problems({ ...production, DATABASE_AUTH: 'secret' })).toEqual([
      'DATABASE_AUTH: must be "password" (the URL\'s) or "iam" (RDS IAM authentication) (found: "secret")',
    ]);
  });

  it('refuses the development JWT secret in production', () => {
    expect(problems({ ...production, JWT_SECRET: DEV_JWT_SECRET })).toEqual([
      'JWT_SECRET: must not be the development secret in a deployed instance (NODE_ENV=production, DROP_ENV=production, DROP_TIER=production) (found: the development secret)',
    ]);
  });

  it('lists every missing production secret at once', () => {
    const { JWT_SECRET: _j, DATABASE_URL: _d, BANKID_CLIENT_SECRET: _b, ...rest } = production;
    expect(problems(rest)).toEqual([
      'JWT_SECRET: is required in a deployed instance (NODE_ENV=production, DROP_ENV=production, DROP_TIER=production): the development secret signs nothing there (from Secrets Manager) (found: not set)',
      'BANKID_CLIENT_SECRET: is required when BANKID_MOCK is "false" (found: not set)',
      'DATABASE_URL: is required in a deployed instance (NODE_ENV=production, DROP_ENV=production, DROP_TIER=production) (the embedded database is for development only) (found: not set)',
    ]);
  });

  it('never echoes a secret value', () => {
    const error = (() => {
      try {
        loadConfig({ ...production, JWT_SECRET: 'short-secret', ORIGIN_VERIFY_SECRET: 'short-origin' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toContain(
      'JWT_SECRET: must be at least 32 characters in a deployed instance (NODE_ENV=production, DROP_ENV=production, DROP_TIER=production) (found: a 12-character value)',
    );
    expect(error?.message).toContain(
      'ORIGIN_VERIFY_SECRET: must be "current" or "current,previous", each value at least 16 characters (found: a 12-character value)',
    );
    expect(error?.message).not.toContain('short-secret');
    expect(error?.message).not.toContain('short-origin');
  });

  it.each([
    ['PORT', 'http', 'PORT: must be an integer from 0 (any free port) to 65535 (found: "http")'],
    ['BANKID_MOCK', 'yes', 'BANKID_MOCK: must be "true" or "false" (found: "yes")'],
    ['DATABASE_URL', 'mysql://db/drop', 'DATABASE_URL: must be a URL with scheme postgres or postgresql (found: "mysql://db/drop")'],
    [
      'DATABASE_REGION',
      'Europe',
      'DATABASE_REGION: is required with DATABASE_AUTH=iam: the AWS region of the database, e.g. eu-west-1 (found: "Europe")',
    ],
    ['NODE_ENV', 'prod', 'NODE_ENV: must be one of development, production, test (found: "prod")'],
    [
      'DROP_ENV',
      'Prod_1',
      'DROP_ENV: must be an environment name: lowercase letters, digits and "-", starting with a letter (found: "Prod_1")',
    ],
    ['DROP_TIER', 'prod', 'DROP_TIER: must be "staging" or "production" (found: "prod")'],
    ['BANKID_ISSUER', 'auth.bankid.no', 'BANKID_ISSUER: must be a URL with scheme https (found: "auth.bankid.no")'],
    [
      'BANKID_ID_CLAIM',
      'nnin altsub',
      'BANKID_ID_CLAIM: must be a claim name (letters, digits, "_", ".", ":", "-") (found: "nnin altsub")',
    ],
    [
      'BANKID_SCOPE',
      'profile nnin_altsub',
      'BANKID_SCOPE: must be space-separated OAuth scopes including "openid" (found: "profile nnin_altsub")',
    ],
  ])('names %s, its value and what is allowed', (name, value, message) => {
    expect(problems({ ...production, [name]: value })).toContain(message);
  });

  it("reads the live BankID settings, with BankID Norway's national identity claim by default", () => {
    expect(loadConfig(production).bankId).toMatchObject({
      mock: false,
      issuer: 'https://auth.bankid.no/auth/realms/prod',
      idClaim: 'nnin_altsub',
      scope: 'openid profile nnin_altsub',
    });
    expect(loadConfig({ ...production, BANKID_ID_CLAIM: 'nnin' }).bankId.idClaim).toBe('nnin');
  });

  it('refuses mock BankID in production, with a message saying what to set', () => {
    expect(problems({ ...production, BANKID_MOCK: 'true' })).toEqual([
      'BANKID_MOCK: must not be "true" in a deployed instance (NODE_ENV=production, DROP_ENV=production, DROP_TIER=production): mock sign-in is for development only; set BANKID_MOCK=false and BANKID_ISSUER (found: "true")',
    ]);
  });

  it('requires the issuer and the callback for live BankID', () => {
    const { BANKID_ISSUER: _i, BANKID_CALLBACK_URL: _c, ...rest } = production;
    expect(problems(rest)).toEqual([
      'BANKID_ISSUER: is required when BANKID_MOCK is "false" (the OpenID Connect issuer URL, e.g. https://auth.current.bankid.no/auth/realms/current) (found: not set)',
      'BANKID_CALLBACK_URL: is required when BANKID_MOCK is "false" (the web app\'s /api/auth/bankid/callback) (found: not set)',
    ]);
  });

  it("allows a plain-http issuer outside production only (the tests' local provider)", () => {
    expect(
      loadConfig({
        BANKID_MOCK: 'false',
        BANKID_CLIENT_ID: 'c',
        BANKID_CLIENT_SECRET: 's',
        BANKID_ISSUER: 'http://127.0.0.1:4000',
        BANKID_CALLBACK_URL: 'http://localhost:3000/api/auth/bankid/callback',
      }).bankId.issuer,
    ).toBe('http://127.0.0.1:4000');
    expect(problems({ ...production, BANKID_ISSUER: 'http://auth.bankid.no/auth/realms/prod' })).toEqual([
      'BANKID_ISSUER: must be a URL with scheme https (found: "http://auth.bankid.no/auth/realms/prod")',
    ]);
  });

  it('allows demo data in staging', () => {
    expect(loadConfig({ ...production, DROP_ENV: 'staging', DROP_TIER: 'staging', SEED_DEMO: 'true' }).seedDemo).toBe(true);
  });

  it.each([
    ['DROP_TIER is production', { DROP_ENV: 'live', DROP_TIER: 'production' }, 'NODE_ENV=production, DROP_ENV=live, DROP_TIER=production'],
    [
      'the environment is named production*',
      { DROP_ENV: 'production-stockholm', DROP_TIER: 'staging' },
      'NODE_ENV=production, DROP_ENV=production-stockholm, DROP_TIER=staging',
    ],
    // The pen-test's case: deployed, with no tier at all.
    ['no DROP_TIER is set', { DROP_ENV: 'prod-eu', DROP_TIER: undefined }, 'NODE_ENV=production, DROP_ENV=prod-eu'],
  ])('refuses demo data unless the tier is explicitly non-production (%s)', (_, env, signs) => {
    expect(problems({ ...production, ...env, SEED_DEMO: 'true' })).toEqual([
      `SEED_DEMO: needs an explicit non-production tier (DROP_TIER=staging, and a DROP_ENV not named production*) in a deployed instance (${signs}): demo data is for development and staging only (found: "true")`,
    ]);
  });

  it('requires the environment name in production', () => {
    const { DROP_ENV: _e, ...rest } = production;
    expect(problems(rest)).toEqual([
      'DROP_ENV: is required in production (the environment name, set by the compute stack) (found: not set)',
    ]);
  });

  it('configures error reporting only with SENTRY_DSN: release = APP_VERSION, environment = DROP_ENV', () => {
    expect(loadConfig(production).sentry).toBeUndefined();
    expect(loadConfig({ ...production, SENTRY_DSN: 'https://key@o1.ingest.sentry.io/2', APP_VERSION: 'v1.4.2' }).sentry).toEqual({
      dsn: 'https://key@o1.ingest.sentry.io/2',
      release: 'v1.4.2',
      environment: 'production',
    });
  });

  it('requires the database CA in production (certificate verification)', () => {
    expect(problems({ ...production, DATABASE_CA_FILE: '/nonexistent/ca.pem' })).toEqual([
      'DATABASE_CA_FILE: must name a readable PEM file: a deployed instance (NODE_ENV=production, DROP_ENV=production, DROP_TIER=production) verifies the database certificate (found: "/nonexistent/ca.pem")',
    ]);
  });

  describe('deployed means strict, whatever NODE_ENV says', () => {
    // What the pen-test started: the environment's signs and a database, no NODE_ENV, nothing else.
    const signsOnly = {
      DROP_ENV: 'production',
      DROP_TIER: 'production',
      DATABASE_URL: 'postgres://db.internal:5432/drop',
      DATABASE_CA_FILE: production.DATABASE_CA_FILE,
    };

    it.each([
      ['DROP_ENV and DROP_TIER', signsOnly, 'DROP_ENV=production, DROP_TIER=production'],
      ['DROP_ENV alone', { ...signsOnly, DROP_TIER: undefined }, 'DROP_ENV=production'],
      ['DROP_TIER alone', { ...signsOnly, DROP_ENV: undefined }, 'DROP_TIER=production'],
      [
        'NODE_ENV=production alone',
        { ...signsOnly, DROP_ENV: undefined, DROP_TIER: undefined, NODE_ENV: 'production' },
        'NODE_ENV=production',
      ],
    ])('refuses mock sign-in, the development JWT secret and a missing origin secret with %s', (_, env, signs) => {
      const found = problems(env);
      const deployed = `a deployed instance (${signs})`;
      expect(found).toEqual(
        expect.arrayContaining([
          `APP_URL: is required in ${deployed} (the web origin allowed by CORS) (found: not set)`,
          `JWT_SECRET: is required in ${deployed}: the development secret signs nothing there (from Secrets Manager) (found: not set)`,
          `ORIGIN_VERIFY_SECRET: is required in ${deployed} (only the edge may reach the service) (found: not set)`,
        ]),
      );
      // Mock sign-in is off by default there; asked for, it is refused, naming the variable.
      expect(loadConfigOrProblems({ ...env, BANKID_MOCK: 'true' })).toContain(
        `BANKID_MOCK: must not be "true" in ${deployed}: mock sign-in is for development only; set BANKID_MOCK=false and BANKID_ISSUER (found: "true")`,
      );
      expect(problems({ ...env, JWT_SECRET: DEV_JWT_SECRET })).toContain(
        `JWT_SECRET: must not be the development secret in ${deployed} (found: the development secret)`,
      );
    });

    it('is development only without any sign (NODE_ENV=test, no DROP_ENV or DROP_TIER): mock sign-in and the development secret', () => {
      expect(loadConfig({ NODE_ENV: 'test' })).toMatchObject({ deployed: false, jwtSecret: DEV_JWT_SECRET, bankId: { mock: true } });
    });
  });
});

const loadConfigOrProblems = problems;
