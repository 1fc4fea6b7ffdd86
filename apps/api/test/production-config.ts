/** A complete production configuration of the API (what the compute stack sets), and the problems loadConfig finds in a variant. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';

export const caFile = path.join(mkdtempSync(path.join(tmpdir(), 'drop-ca-')), 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

export const production: Record<string, string> = {
  NODE_ENV: 'production',
  PORT: '3001',
  APP_URL: 'https://getdrop.no',
  JWT_SECRET: 'a-production-secret-from-secrets-manager',
  BANKID_MOCK: 'false',
  BANKID_CLIENT_ID: 'client',
  BANKID_CLIENT_SECRET: 'bankid-client-secret',
  BANKID_ISSUER: 'https://auth.bankid.no/auth/realms/prod',
  BANKID_CALLBACK_URL: 'https://getdrop.no/api/auth/bankid/callback',
  DROP_ENV: 'production',
  DROP_TIER: 'production',
  ORIGIN_VERIFY_SECRET: 'origin-verify-secret-value',
  DATABASE_URL: 'postgres://drop-production.abc.eu-west-1.rds.amazonaws.com:5432/drop',
  DATABASE_AUTH: 'iam',
  DATABASE_USER: 'drop_app',
  DATABASE_REGION: 'eu-west-1',
  DATABASE_CA_FILE: caFile,
};

/** The problems loadConfig reports for `env` (none when it loads). */
export function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
