/** Start-up configuration: one error listing every problem, never a secret's value. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from '../src/config.js';

const caFile = path.join(mkdtempSync(path.join(tmpdir(), 'drop-ca-')), 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

const production = {
  NODE_ENV: 'production',
  PORT: '3001',
  APP_URL: 'https://getdrop.no',
  JWT_SECRET: 'a-production-secret-from-secrets-manager',
  BANKID_MOCK: 'false',
  BANKID_CLIENT_ID: 'client',
  BANKID_CLIENT_SECRET: 'bankid-client-secret',
  ORIGIN_VERIFY_SECRET: 'origin-verify-secret-value',
  DATABASE_URL: 'postgres://drop-production.abc.eu-west-1.rds.amazonaws.com:5432/drop',
  DATABASE_CREDENTIALS: JSON.stringify({ username: 'drop', password: 'rds-managed-password' }),
  DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234',
  DATABASE_CA_FILE: caFile,
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('API configuration', () => {
  it('starts in development with no variables: embedded database, mocked BankID, demo seed', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ nodeEnv: 'development', port: 3001, jwtSecret: DEV_JWT_SECRET, seedDemo: true, bankId: { mock: true } });
    expect(config.database).toEqual({ kind: 'embedded', dataDir: './data' });
  });

  it('accepts the production environment App Runner gives, with TLS verified against the CA file', () => {
    const config = loadConfig(production);
    expect(config.database).toMatchObject({ kind: 'postgres', credentials: { username: 'drop' }, secretArn: production.DATABASE_SECRET_ARN });
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
    ['DATABASE_SECRET_ARN', 'drop-db', 'DATABASE_SECRET_ARN: must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) (found: "drop-db")'],
    ['NODE_ENV', 'prod', 'NODE_ENV: must be one of development, production, test (found: "prod")'],
  ])('names %s, its value and what is allowed', (name, value, message) => {
    expect(problems({ ...production, [name]: value })).toContain(message);
  });

  it('requires the database CA in production (certificate verification)', () => {
    expect(problems({ ...production, DATABASE_CA_FILE: '/nonexistent/ca.pem' })).toEqual([
      'DATABASE_CA_FILE: must name a readable PEM file: production verifies the database certificate (found: "/nonexistent/ca.pem")',
    ]);
  });
});
