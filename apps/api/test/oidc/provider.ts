/**
 * A real OpenID provider (panva's oidc-provider, OpenID certified) for the sign-in tests, run as
 * its own process on 127.0.0.1 so that a test can stop it (issuer down) or run it with a slow
 * clock (expired ID tokens). It shapes its ID tokens like BankID Norway's: the national identity
 * number in `nnin_altsub` (scope `nnin_altsub`), the name in `name`.
 *
 * Login uses oidc-provider's development interactions: any login name signs in as that account,
 * and the login name is the national identity number. Consent is granted by the provider for
 * the one registered client, as BankID does (no consent page).
 *
 * Options (JSON in argv[2]): port, clientId, clientSecret, redirectUri; clockOffsetSeconds shifts
 * the provider's clock (a negative value issues tokens that expired in the past); foreignJwks
 * publishes a key set whose key (same kid) is not the one the provider signs with.
 * Prints "ready <issuer>" when listening.
 */
import { generateKeyPair, exportJWK } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

interface Options {
  port: number;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  clockOffsetSeconds?: number;
  foreignJwks?: boolean;
}
const options = JSON.parse(process.argv[2] ?? '{}') as Options;

if (options.clockOffsetSeconds) {
  // The provider's clock only (this process): Date.now() and new Date() both move.
  const offset = options.clockOffsetSeconds * 1000;
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: ConstructorParameters<typeof Date> | []) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...(args as [string]));
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}

const KID = 'drop-test-signing-key';
const signing = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(signing.privateKey)), kid: KID, alg: 'RS256', use: 'sig' };

const issuer = `http://127.0.0.1:${options.port}`;
const configuration: Configuration = {
  clients: [
    {
      client_id: options.clientId,
      client_secret: options.clientSecret,
      redirect_uris: [options.redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingJwk] },
  scopes: ['openid', 'profile', 'nnin_altsub'],
  claims: { openid: ['sub'], profile: ['name', 'given_name', 'family_name'], nnin_altsub: ['nnin_altsub'] },
  // BankID puts the requested claims in the ID token itself.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['drop-test-cookie-key-0123456789'] },
  ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      claims: () => ({ sub: `9578-6000-4-${id}`, nnin_altsub: id, name: 'Nordmann, Kari', given_name: 'Kari', family_name: 'Nordmann' }),
    };
  },
  async loadExistingGrant(ctx: KoaContextWithOIDC) {
    const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
    grant.addOIDCScope('openid profile nnin_altsub');
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (_ctx, error) => console.error(`provider server_error: ${error.stack}`));

if (options.foreignJwks) {
  // The tokens stay signed with the provider's key; the key set it publishes holds another key
  // under the same kid: every signature fails to verify against what the issuer publishes.
  const foreign = await generateKeyPair('RS256', { extractable: true });
  const foreignJwk = { ...(await exportJWK(foreign.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/jwks') ctx.body = { keys: [foreignJwk] };
  });
}

const server = provider.listen(options.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
