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

  it('accepts the production environment App Runner gives, with TLS verified against the CA file', () => {
    const config = loadConfig(production);
    expect(config.database).toMatchObject({
      kind: 'postgres',
      credentials: { username: 'drop' },
      secretArn: production.DATABASE_SECRET_ARN,
    });
    expect(config.database.kind === 'postgres' && config.database.ca).toMatch(/BEGIN CERTIFICATE/);
    expect(config.seedDemo).toBe(false);
  });

  it('refuses the development JWT secret in production', () => {
    expect(problems({ ...production, JWT_SECRET: DEV_JWT_SECRET })).toEqual([
      'JWT_SECRET: must not be the development secret in production (found: the development secret)',
    ]);
  });

  it('lists every missing production secret at once', () => {
    const { JWT_SECRET: _j, DATABASE_URL: _d, BANKID_CLIENT_SECRET: _b, ...rest } = production;
    expect(problems(rest)).toEqual([
      'JWT_SECRET: is required in production (from Secrets Manager) (found: not set)',
      'BANKID_CLIENT_SECRET: is required when BANKID_MOCK is "false" (found: not set)',
      'DATABASE_URL: is required in production (the embedded database is for development only) (found: not set)',
    ]);
  });

  it('never echoes a secret value', () => {
    const error = (() => {
      try {
        loadConfig({ ...production, JWT_SECRET: 'short-secret', DATABASE_CREDENTIALS: '{"username":"drop"}' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toContain('JWT_SECRET: must be at least 32 characters in production (found: a 12-character value)');
    expect(error?.message).toContain('DATABASE_CREDENTIALS: must be valid: lacks a non-empty "username" or "password"');
    expect(error?.message).not.toContain('short-secret');
  });

  it.each([
    ['PORT', 'http', 'PORT: must be an integer from 0 (any free port) to 65535 (found: "http")'],
    ['BANKID_MOCK', 'yes', 'BANKID_MOCK: must be "true" or "false" (found: "yes")'],
    ['DATABASE_URL', 'mysql://db/drop', 'DATABASE_URL: must be a URL with scheme postgres or postgresql (found: "mysql://db/drop")'],
    [
      'DATABASE_SECRET_ARN',
      'drop-db',
      'DATABASE_SECRET_ARN: must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) (found: "drop-db")',
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
      'BANKID_MOCK: must not be "true" when NODE_ENV is "production": mock sign-in is for development only; set BANKID_MOCK=false and BANKID_ISSUER (found: "true")',
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
    ['DROP_TIER is production', { DROP_ENV: 'live', DROP_TIER: 'production' }, 'DROP_ENV="live", DROP_TIER="production"'],
    [
      'the environment is named production*',
      { DROP_ENV: 'production-stockholm', DROP_TIER: undefined },
      'DROP_ENV="production-stockholm", DROP_TIER=""',
    ],
  ])('refuses demo data in a production-tier environment (%s)', (_, env, found) => {
    expect(problems({ ...production, ...env, SEED_DEMO: 'true' })).toEqual([
      `SEED_DEMO: must not be "true" in a production-tier environment (${found}): demo data is for development and staging (found: "true")`,
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
      'DATABASE_CA_FILE: must name a readable PEM file: production verifies the database certificate (found: "/nonexistent/ca.pem")',
    ]);
  });
});
