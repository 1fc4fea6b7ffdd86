/**
 * Live BankID sign-in: the API as an OpenID Connect relying party (authorization code flow with
 * PKCE S256, `state` and `nonce`), through `openid-client`. The issuer is found by discovery, once
 * and lazily: the API starts, and answers its health check, while the issuer is down.
 *
 * openid-client verifies the ID token: `iss`, `aud`, `exp`, `iat`, `nonce`, the `state` and `iss`
 * of the authorization response, and, with non-repudiation checks on, the token's signature
 * against the issuer's published key set (without them it would trust TLS alone).
 */
import * as client from 'openid-client';

export interface BankIdOidcOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The web app's `/api/auth/bankid/callback`, registered with the issuer. */
  readonly redirectUri: string;
  readonly scope: string;
  /** The ID token claim holding the national identity number. */
  readonly idClaim: string;
  /** @default 10 (seconds, each request to the issuer) */
  readonly timeoutSeconds?: number;
}

export interface AuthorizationRequest {
  readonly url: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface SignedInIdentity {
  readonly nationalId: string;
  readonly name?: string;
}

/** Why a sign-in failed, mapped to an HTTP answer by the routes. */
export class BankIdError extends Error {
  // No `cause`: openid-client's errors carry the token's claims (the national identity number) in
  // theirs, and nothing of them may reach a log line or an error report.
  constructor(
    readonly kind: 'unavailable' | 'rejected' | 'cancelled' | 'claim_missing',
    message: string,
  ) {
    super(message);
    this.name = 'BankIdError';
  }
}

/** The innermost error message ("unexpected ID Token "nonce" claim value"): it names the check, never a value. */
function reason(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error instanceof Error ? error.cause : undefined; e instanceof Error; e = e.cause) message = e.message;
  return message;
}

/** True when the issuer could not be reached (refused, reset, DNS, timeout) rather than answering. */
function isUnreachable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
    if (e instanceof TypeError && /fetch failed/.test(e.message)) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|UND_ERR_)/.test(code)) return true;
  }
  return false;
}

export class BankIdOidc {
  private configuration?: Promise<client.Configuration>;

  constructor(private readonly options: BankIdOidcOptions) {}

  /** Discovery, cached; a failure is not cached, so the next sign-in tries again. */
  private config(): Promise<client.Configuration> {
    this.configuration ??= (async () => {
      const issuer = new URL(this.options.issuer);
      const insecure = issuer.protocol === 'http:';
      return client.discovery(issuer, this.options.clientId, undefined, client.ClientSecretBasic(this.options.clientSecret), {
        timeout: this.options.timeoutSeconds ?? 10,
        // Plain http is refused by config.ts in production; here it only serves local providers.
        execute: [client.enableNonRepudiationChecks, ...(insecure ? [client.allowInsecureRequests] : [])],
      });
    })().catch((error: unknown) => {
      this.configuration = undefined;
      throw new BankIdError('unavailable', `BankID (${this.options.issuer}) cannot be reached: discovery failed (${reason(error)})`);
    });
    return this.configuration;
  }

  /** A fresh state, nonce and PKCE verifier, and the issuer URL to send the browser to. */
  async authorizationRequest(): Promise<AuthorizationRequest> {
    const config = await this.config();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUri,
      scope: this.options.scope,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /**
   * Exchanges the code of an authorization response (the callback's query parameters) for tokens,
   * verifies the ID token against the expected state and nonce, and returns who signed in.
   */
  async complete(params: URLSearchParams, expected: { state: string; nonce: string; codeVerifier: string }): Promise<SignedInIdentity> {
    const config = await this.config();
    const callback = new URL(this.options.redirectUri);
    callback.search = params.toString();
    let claims: client.IDToken | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      if (error instanceof client.AuthorizationResponseError) {
        throw new BankIdError(
          'cancelled',
          `BankID answered ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`,
        );
      }
      if (isUnreachable(error)) throw new BankIdError('unavailable', `BankID (${this.options.issuer}) cannot be reached: ${reason(error)}`);
      if (error instanceof client.ResponseBodyError) {
        throw new BankIdError(
          'rejected',
          `BankID refused the code: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`,
        );
      }
      throw new BankIdError('rejected', `The BankID response failed verification: ${reason(error)}`);
    }
    if (!claims) throw new BankIdError('rejected', 'BankID returned no ID token');
    const nationalId = claims[this.options.idClaim];
    if (typeof nationalId !== 'string' || nationalId === '') {
      throw new BankIdError(
        'claim_missing',
        `The ID token has no "${this.options.idClaim}" claim (BANKID_ID_CLAIM); ask BankID for its scope`,
      );
    }
    const name = typeof claims.name === 'string' ? claims.name : undefined;
    return { nationalId, name };
  }
}
