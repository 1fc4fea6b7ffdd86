/**
 * RDS IAM database authentication: the API's runtime role has no password. Each new connection
 * authenticates with a token that `@aws-sdk/rds-signer` signs with the instance's own AWS
 * credentials (the App Runner instance role or the ECS task role, allowed `rds-db:connect` for
 * this one database user only). A token is valid for 15 minutes and only checked when a
 * connection opens; an open connection outlives it.
 *
 * Signing is local (SigV4, no network call), but one token serves every connection opened within
 * `refreshAfterMs` (10 minutes), so a burst of new connections signs once; the next connection
 * after that signs again, well before the 15 minutes are up. A failed authentication drops the
 * cached token (`invalidate`), so a token that RDS refused is never offered twice.
 */
import type { SignerConfig } from '@aws-sdk/rds-signer';

/** How long RDS accepts an IAM authentication token (X-Amz-Expires=900). */
export const IAM_TOKEN_LIFETIME_MS = 15 * 60_000;

/** What signs a token: the AWS SDK's Signer, or a stand-in in tests. */
export interface TokenSigner {
  getAuthToken(): Promise<string>;
}

export interface IamTokenOptions {
  readonly hostname: string;
  readonly port: number;
  readonly username: string;
  readonly region: string;
  /** @default - the SDK's `Signer` with the default AWS credential chain (loaded on first use: the SDK costs start-up time where IAM is not used) */
  readonly signer?: TokenSigner;
  /** Sign a new token once the cached one is this old. @default 600000 (10 minutes, 5 before expiry) */
  readonly refreshAfterMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface IamTokenProvider {
  /** A token valid for at least `IAM_TOKEN_LIFETIME_MS - refreshAfterMs`; pg's `password` function. */
  token(): Promise<string>;
  /** Forgets the cached token (after an authentication failure). */
  invalidate(): void;
}

export function iamTokenProvider(options: IamTokenOptions): IamTokenProvider {
  const config: SignerConfig = { hostname: options.hostname, port: options.port, username: options.username, region: options.region };
  let sdk: Promise<TokenSigner> | undefined;
  const signer: TokenSigner = options.signer ?? {
    getAuthToken: async () => (await (sdk ??= import('@aws-sdk/rds-signer').then(({ Signer }) => new Signer(config)))).getAuthToken(),
  };
  const refreshAfterMs = options.refreshAfterMs ?? 10 * 60_000;
  if (refreshAfterMs <= 0 || refreshAfterMs >= IAM_TOKEN_LIFETIME_MS)
    throw new RangeError(`refreshAfterMs must be between 0 and ${IAM_TOKEN_LIFETIME_MS} ms (found: ${refreshAfterMs})`);
  const now = options.now ?? Date.now;
  let cached: { token: Promise<string>; signedAt: number } | undefined;
  return {
    token() {
      const at = now();
      if (!cached || at - cached.signedAt >= refreshAfterMs) {
        const entry = { token: signer.getAuthToken(), signedAt: at };
        cached = entry;
        // A signing failure is not kept: the next connection tries again.
        entry.token.catch(() => {
          if (cached === entry) cached = undefined;
        });
      }
      return cached.token;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
