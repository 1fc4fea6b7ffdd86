/**
 * Revocable sessions: tokens carry iss, aud and a jti; sign-out revokes the token server-side;
 * a token issued in the future is refused beyond a minute of clock skew. On both databases.
 */
import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteExpired } from '../src/cleanup.js';
import type { Database } from '../src/db/database.js';
import { revokedTokens } from '../src/db/schema.js';
import { backends, JWT_SECRET, NATIONAL_IDS, openSignedIn, signIn, testApp } from './helpers.js';

describe.each(backends)('sessions on the $name database', (backend) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof testApp>;
  beforeAll(async () => {
    ({ database, cleanup, app } = await openSignedIn(backend));
  });
  afterAll(() => cleanup());

  const me = async (token: string) => {
    const res = await app.request('/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, message: res.status === 200 ? undefined : (await res.json()).error.message };
  };
  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

  it('issues tokens with iss, aud, a unique jti, iat and an hour to live', async () => {
    const [first, second] = [await signIn(app, NATIONAL_IDS[1]), await signIn(app, NATIONAL_IDS[1])];
    const claims = claimsOf(first);
    expect(claims).toMatchObject({ iss: 'drop-api', aud: 'drop-web', jti: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    expect(claimsOf(second).jti).not.toBe(claims.jti);
  });

  it('revokes the token on sign-out: refused from then on, while the same user’s other sessions go on', async () => {
    // GIVEN two sessions of one user
    const [kept, signedOut] = [await signIn(app, NATIONAL_IDS[2]), await signIn(app, NATIONAL_IDS[2])];
    // WHEN one signs out
    const res = await app.request('/v1/auth/sign-out', { method: 'POST', headers: { authorization: `Bearer ${signedOut}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'signed_out' });
    // THEN that token is refused everywhere, the other is not
    expect(await me(signedOut)).toEqual({ status: 401, message: 'This session was signed out; sign in again' });
    const list = await app.request('/v1/transactions', { headers: { authorization: `Bearer ${signedOut}` } });
    expect(list.status).toBe(401);
    expect(await me(kept)).toEqual({ status: 200, message: undefined });
    // and signing out twice is not an error for the client (the token is simply refused)
    expect((await app.request('/v1/auth/sign-out', { method: 'POST', headers: { authorization: `Bearer ${signedOut}` } })).status).toBe(
      401,
    );
  });

  it('forgets a revocation once the token has expired', async () => {
    const token = await signIn(app, NATIONAL_IDS[0]);
    await app.request('/v1/auth/sign-out', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const { jti } = claimsOf(token) as { jti: string };
    await database.run((db) => db.insert(revokedTokens).values({ jti: crypto.randomUUID(), expiresAt: new Date(Date.now() - 1000) }));
    expect((await deleteExpired(database)).revocations).toBe(1);
    // The unexpired revocation stays.
    expect(await me(token)).toEqual({ status: 401, message: 'This session was signed out; sign in again' });
    expect(jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('a forged or foreign token', () => {
    let user: { id: string; name: string };
    beforeAll(async () => {
      const token = await signIn(app, NATIONAL_IDS[0]);
      user = (await (await app.request('/v1/auth/me', { headers: { authorization: `Bearer ${token}` } })).json()).user;
    });
    const forge = (overrides: Record<string, unknown>) => {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: 'drop-api',
        aud: 'drop-web',
        jti: crypto.randomUUID(),
        sub: user.id,
        name: user.name,
        iat: now,
        exp: now + 600,
      };
      return sign(Object.fromEntries(Object.entries({ ...claims, ...overrides }).filter(([, v]) => v !== undefined)), JWT_SECRET, 'HS256');
    };
    const now = () => Math.floor(Date.now() / 1000);

    it('refuses an iat two hours in the future, and accepts one within the minute of clock skew', async () => {
      expect(await me(await forge({ iat: now() + 7200, exp: now() + 9000 }))).toEqual({
        status: 401,
        message: 'The token was issued in the future; sign in again',
      });
      expect(await me(await forge({ iat: now() + 30 }))).toEqual({ status: 200, message: undefined });
    });

    it.each([
      ['another issuer', { iss: 'someone-else' }],
      ['no issuer', { iss: undefined }],
      ['another audience', { aud: 'drop-admin' }],
      ['no audience', { aud: undefined }],
    ])('refuses a token with %s', async (_, overrides) => {
      expect(await me(await forge(overrides))).toEqual({ status: 401, message: 'The token is invalid or expired; sign in again' });
    });

    it('refuses a token without an id (it could never be revoked) or without iat', async () => {
      expect(await me(await forge({ jti: undefined }))).toEqual({ status: 401, message: 'The token has no id; sign in again' });
      expect(await me(await forge({ jti: 'not-a-uuid' }))).toEqual({ status: 401, message: 'The token has no id; sign in again' });
      expect(await me(await forge({ iat: undefined }))).toEqual({ status: 401, message: 'The token has no issue time; sign in again' });
    });
  });
});
