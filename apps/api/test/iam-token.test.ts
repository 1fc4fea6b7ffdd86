/**
 * The RDS IAM token provider with the AWS SDK's real Signer (@aws-sdk/rds-signer): SigV4 signing
 * is local, so static credentials stand in for the instance role. What this cannot show: that RDS
 * accepts the token (that needs RDS, an IAM policy and `rds_iam`); see least-privilege.test.ts.
 */
import { Signer } from '@aws-sdk/rds-signer';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IAM_TOKEN_LIFETIME_MS, iamTokenProvider } from '../src/db/iam-token.js';

const target = { hostname: 'drop-staging-postgres.abc.eu-west-1.rds.amazonaws.com', port: 5432, username: 'drop_app', region: 'eu-west-1' };
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** When a token was signed and how long it is valid, from its query string. */
function validity(token: string): { signedAt: number; expiresAt: number; user: string | null; action: string | null } {
  const url = new URL(`https://${token}`);
  const date = url.searchParams.get('X-Amz-Date')!; // 20261207T225005Z
  const signedAt = Date.UTC(
    +date.slice(0, 4),
    +date.slice(4, 6) - 1,
    +date.slice(6, 8),
    +date.slice(9, 11),
    +date.slice(11, 13),
    +date.slice(13, 15),
  );
  return {
    signedAt,
    expiresAt: signedAt + Number(url.searchParams.get('X-Amz-Expires')) * 1000,
    user: url.searchParams.get('DBUser'),
    action: url.searchParams.get('Action'),
  };
}

describe('RDS IAM token provider', () => {
  let signs = 0;
  let signer: Signer;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-07T12:00:00Z'));
    signs = 0;
    const real = new Signer({ ...target, credentials });
    signer = Object.assign(Object.create(real) as Signer, {
      getAuthToken: () => {
        signs++;
        return real.getAuthToken();
      },
    });
  });
  afterEach(() => vi.useRealTimers());

  it("signs a connect token for the runtime user with the SDK's signer, valid 15 minutes", async () => {
    const token = await iamTokenProvider({ ...target, signer }).token();
    expect(token.startsWith(`${target.hostname}:5432/?`)).toBe(true);
    const v = validity(token);
    expect(v).toMatchObject({ user: 'drop_app', action: 'connect', signedAt: Date.parse('2026-12-07T12:00:00Z') });
    expect(v.expiresAt - v.signedAt).toBe(IAM_TOKEN_LIFETIME_MS);
  });

  it('serves every connection within ten minutes from one token, then signs a new one before the old expires', async () => {
    const provider = iamTokenProvider({ ...target, signer });
    const first = await provider.token();
    // A burst of new connections: one signature.
    expect(new Set(await Promise.all(Array.from({ length: 20 }, () => provider.token())))).toEqual(new Set([first]));
    vi.setSystemTime(new Date('2026-12-07T12:09:59Z'));
    expect(await provider.token()).toBe(first);
    expect(signs).toBe(1);
    // At ten minutes a new one: no connection is ever offered a token with less than five minutes left.
    vi.setSystemTime(new Date('2026-12-07T12:10:00Z'));
    const second = await provider.token();
    expect(second).not.toBe(first);
    expect(signs).toBe(2);
    expect(validity(second).signedAt).toBe(Date.parse('2026-12-07T12:10:00Z'));
    expect(validity(first).expiresAt - Date.now()).toBe(5 * 60_000);
  });

  it('signs anew after a refused token, and does not keep a failed signing', async () => {
    const provider = iamTokenProvider({ ...target, signer });
    const first = await provider.token();
    vi.setSystemTime(new Date('2026-12-07T12:00:01Z'));
    provider.invalidate();
    expect(await provider.token()).not.toBe(first);
    let fail = true;
    const flaky = iamTokenProvider({
      ...target,
      signer: { getAuthToken: () => (fail ? Promise.reject(new Error('no credentials')) : signer.getAuthToken()) },
    });
    await expect(flaky.token()).rejects.toThrow('no credentials');
    fail = false;
    expect(validity(await flaky.token()).user).toBe('drop_app');
  });

  it('loads the SDK on first use and signs with the default credential chain (here: the environment)', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    try {
      const token = await iamTokenProvider(target).token();
      expect(token).toContain(`X-Amz-Credential=${credentials.accessKeyId}%2F20261207%2Feu-west-1%2Frds-db%2Faws4_request`);
      expect(validity(token).user).toBe('drop_app');
    } finally {
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const)
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    }
  });

  it('refuses a refresh age that would hand out expired tokens', () => {
    expect(() => iamTokenProvider({ ...target, signer, refreshAfterMs: IAM_TOKEN_LIFETIME_MS })).toThrow(
      'refreshAfterMs must be between 0 and 900000 ms (found: 900000)',
    );
  });
});
