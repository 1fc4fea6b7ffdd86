/**
 * The closed lists of names an environment file is written in, shared by the schema, the
 * cross-field rules and the stacks. Lists a construct owns (engines, services, zone plans) are
 * defined by that construct and re-exported here.
 */
import type { RateLimit } from '../constructs/edge/rate-limits';

export { COMPUTE_ENGINES, type ComputeEngine } from '../constructs/compute/engines';
export { SERVICE_NAMES, type ServiceName } from '../constructs/compute/service';
export { CLOUDFLARE_PLANS, type CloudflarePlan } from '../constructs/edge/cloudflare';

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const ENVIRONMENT_TIERS = ['staging', 'production'] as const;

/** BankID Norway's OpenID Connect issuers (developer.bankid.no, "OpenID Configuration"). */
export const BANKID_PRODUCTION_ISSUER = 'https://auth.bankid.no/auth/realms/prod';
const BANKID_TEST_ISSUER = 'https://auth.current.bankid.no/auth/realms/current';
/** Hosts of BankID test environments, refused in production. */
export const BANKID_TEST_ISSUERS = [new URL(BANKID_TEST_ISSUER).host];

/** The two rate limits (docs/requirements.md, Rate limits) and the action each takes when triggered. */
export const RATE_LIMIT_NAMES = ['auth', 'transactions'] as const;
export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];
const RATE_LIMIT_ACTIONS: Readonly<Record<RateLimitName, 'managed_challenge' | 'block'>> = {
  auth: 'managed_challenge',
  transactions: 'block',
};

/** Path prefixes of the rate limits (docs/requirements.md, Rate limits). */
const RATE_LIMIT_PATHS: Readonly<Record<RateLimitName, string>> = { auth: '/v1/auth/', transactions: '/v1/transactions/' };

/** The rate limits of an environment's `edge.rateLimits`, in `RATE_LIMIT_NAMES` order, as the RateLimits construct takes them. */
export function rateLimitsOf(rateLimits: Readonly<Record<RateLimitName, Omit<RateLimit, 'pathPrefix' | 'action'>>>): RateLimit[] {
  return RATE_LIMIT_NAMES.map((name) => ({
    pathPrefix: RATE_LIMIT_PATHS[name],
    action: RATE_LIMIT_ACTIONS[name],
    ...rateLimits[name],
  }));
}
