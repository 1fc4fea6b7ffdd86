/**
 * The closed lists of names an environment file is written in, shared by the schema, the
 * cross-field rules and the stacks. Lists a construct owns (engines, services, zone plans) are
 * defined by that construct and re-exported here.
 */
export { COMPUTE_ENGINES, type ComputeEngine } from '../constructs/compute/engines';
export { SERVICE_NAMES, type ServiceName } from '../constructs/compute/service';
export { CLOUDFLARE_PLANS, type CloudflarePlan } from '../constructs/edge/cloudflare';
export { RATE_LIMIT_ACTIONS, RATE_LIMIT_CONTENT_TYPES, RATE_LIMIT_HOSTS } from '../constructs/edge/rate-limits';

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
