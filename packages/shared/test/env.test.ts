/** The environment contract's table: who reads what, and where it comes from. */
import { describe, expect, it } from 'vitest';
import { DATABASE_ROLES, ENVIRONMENT, variables } from '../src/env.js';

describe('the environment contract', () => {
  it('lists each reader’s variables by where they come from, in table order', () => {
    expect(variables('web', 'secret')).toEqual(['SENTRY_DSN', 'ORIGIN_VERIFY_SECRET']);
    expect(variables('api', 'secret')).toEqual([
      'JWT_SECRET',
      'BANKID_CLIENT_ID',
      'BANKID_CLIENT_SECRET',
      'SENTRY_DSN',
      'ORIGIN_VERIFY_SECRET',
    ]);
    expect(variables('migrate', 'job')).toEqual(['DATABASE_CREDENTIALS', 'DATABASE_RUNTIME_USER', 'DATABASE_RUNTIME_AUTH']);
    expect(variables('web', 'compute')).toContain('API_URL');
    expect(variables('web', 'compute')).not.toContain('APP_URL');
  });

  it('never lets a service read the master credentials, and gives every variable a description', () => {
    expect(ENVIRONMENT.DATABASE_CREDENTIALS.readers).toEqual(['migrate']);
    for (const [name, entry] of Object.entries(ENVIRONMENT)) expect(entry.description.length, name).toBeGreaterThan(10);
    expect(DATABASE_ROLES).toEqual({ owner: 'drop_owner', runtime: 'drop_app' });
  });
});
