/**
 * Facts about Cloudflare that the edge constructs obey and the configuration is checked against
 * (through the constructs' `problems` functions): what each zone plan allows, the managed ruleset
 * IDs, the entry-point phases. The country codes are in `config/countries.ts`.
 * Sources (checked November 2026): developers.cloudflare.com WAF / rate limiting / origin rules /
 * health checks / bot pages; see the README "Edge" section.
 */

export const CLOUDFLARE_PLANS = ['free', 'pro', 'business', 'enterprise'] as const;
export type CloudflarePlan = (typeof CLOUDFLARE_PLANS)[number];

/** `atLeast('pro', plan)`: the plan is Pro or higher. */
export function atLeast(required: CloudflarePlan, plan: CloudflarePlan): boolean {
  return CLOUDFLARE_PLANS.indexOf(plan) >= CLOUDFLARE_PLANS.indexOf(required);
}

/** The lowest plan of `plans` that passes `test`, for "needs the X plan" messages. */
export function lowestPlanWhere(test: (plan: CloudflarePlan) => boolean): CloudflarePlan | undefined {
  return CLOUDFLARE_PLANS.find(test);
}

/**
 * Rate limiting periods and mitigation timeouts come from two Cloudflare pages that disagree, so
 * a value must be on both to be used (any other may be refused by the API at apply):
 *
 * - the availability table (developers.cloudflare.com/waf/rate-limiting-rules/, "Availability";
 *   cloudflare-docs src/content/partials/waf/rate-limiting-availability-by-plan.mdx) gives each
 *   plan "all supported values up to" a maximum, its footnote 3 listing the supported values
 *   (`RATE_LIMIT_SUPPORTED_SECONDS`: 10, 15, 20, 30, 40, 45, 60, ...);
 * - the parameters page (developers.cloudflare.com/waf/rate-limiting-rules/parameters/, "When rate
 *   exceeds > Period" and "For duration"; cloudflare-docs
 *   src/content/docs/waf/rate-limiting-rules/parameters.mdx) lists fewer "available API values":
 *   periods 10, 60, 120, 300, 600, 3600 (`RATE_LIMIT_API_PERIODS`); timeouts 0, 10, 60, 120, 300,
 *   600, 3600, 86400 (`RATE_LIMIT_API_TIMEOUTS`), 0 being request throttling, which challenges
 *   need below Enterprise and which a block may use on Enterprise only.
 *
 * Each plan's lists in `PLAN_LIMITS` are the API values within the plan's maximum (checked
 * December 2026).
 */
export const RATE_LIMIT_SUPPORTED_SECONDS = [
  10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600, 65535, 86400,
] as const;
export const RATE_LIMIT_API_PERIODS = [10, 60, 120, 300, 600, 3600] as const;
export const RATE_LIMIT_API_TIMEOUTS = [0, 10, 60, 120, 300, 600, 3600, 86400] as const;

/** The values on both pages up to `max` seconds ("All supported values up to ..."), 0 (throttling) left out. */
const bothPagesUpTo = (api: readonly number[], max: number): readonly number[] =>
  api.filter((s) => s > 0 && s <= max && (RATE_LIMIT_SUPPORTED_SECONDS as readonly number[]).includes(s));

export interface PlanLimits {
  /**
   * Rules in the zone's http_ratelimit entry-point ruleset: Free 1, Pro 2, Business 5. Enterprise:
   * "depends on the exact contract terms" with application security (an earlier revision of the
   * same table: "5 or more"), 100 with the Advanced Rate Limiting add-on. We count on the 5 a
   * contract guarantees unless `edge.addons.advancedRateLimiting` (see `rateLimitRulesOf`).
   * Source: developers.cloudflare.com/waf/rate-limiting-rules/, "Availability", row "Number of rules".
   */
  readonly rateLimitRules: number;
  /**
   * Counting periods (seconds) a rate limit rule may use: the API values (parameters page) within
   * the plan's maximum (availability table, row "Counting periods": Free 10 s; Pro up to 1 min;
   * Business up to 10 min; Enterprise up to 65,535 s). See `RATE_LIMIT_API_PERIODS`.
   */
  readonly rateLimitPeriods: readonly number[];
  /**
   * Mitigation timeouts (seconds) a rate limit rule may use for a duration: the API values within
   * the plan's maximum (availability table, row "Mitigation timeout periods": Free 10 s; Pro up
   * to 1 h; Business and Enterprise up to 1 day). 0 (throttling) is `challengeNeedsZeroTimeout`'s
   * and Enterprise's. See `RATE_LIMIT_API_TIMEOUTS`.
   */
  readonly rateLimitTimeouts: readonly number[];
  /**
   * Fields a rate limit rule's expression may use beyond the path: Free "Path, Verified Bot";
   * Pro and above add Host (so a limit can be scoped to hostnames).
   * Source: developers.cloudflare.com/waf/rate-limiting-rules/, "Availability", row "Available fields in rule expression".
   */
  readonly rateLimitHostField: boolean;
  /**
   * Rules in the zone's http_request_firewall_custom entry-point ruleset: 5 / 20 / 100 / 1000.
   * Source: developers.cloudflare.com/waf/custom-rules/, "Availability" (checked November 2026).
   */
  readonly customRules: number;
  /**
   * Rules in the zone's http_request_cache_settings entry-point ruleset: 10 / 25 / 50 / 300.
   * Source: developers.cloudflare.com/cache/how-to/cache-rules/, "Availability" (not re-checked in issue 16).
   */
  readonly cacheRules: number;
  /**
   * Rules in the zone's request header transform entry-point ruleset: 10 / 25 / 50 / 300.
   * Source: developers.cloudflare.com/rules/transform/, "Availability" (not re-checked in issue 16).
   */
  readonly transformRules: number;
  /**
   * Cloudflare Managed Ruleset and OWASP Core Ruleset in the managed phase: Pro and above.
   * Source: developers.cloudflare.com/waf/managed-rules/, "Availability" (not re-checked in issue 16).
   */
  readonly managedRulesets: boolean;
  /**
   * Origin rules may override the Host header and the resolved DNS record (and so the SNI):
   * Enterprise only. Source: developers.cloudflare.com/rules/origin-rules/, "Availability" (not re-checked in issue 16).
   */
  readonly originHostOverride: boolean;
  /**
   * Standalone health checks (cloudflare_healthcheck), and their shortest interval in seconds.
   * Source: developers.cloudflare.com/health-checks/, "Availability" (not re-checked in issue 16).
   */
  readonly healthChecks: boolean;
  readonly healthCheckMinIntervalSeconds: number;
  /**
   * Below Enterprise a challenge in a rate limit rule throttles (mitigation_timeout = 0) and cannot
   * have a duration, and only Enterprise may throttle with a block (a block below it needs a
   * duration). Source: developers.cloudflare.com/waf/rate-limiting-rules/parameters/, "For
   * duration" ("Customers on Free, Pro, and Business plans cannot select a duration when using a
   * challenge action") and "With the following behavior" ("Only Enterprise customers can throttle
   * requests using the Block action"), checked December 2026.
   */
  readonly challengeNeedsZeroTimeout: boolean;
  /**
   * The shortest edge cache TTL (seconds) a cache rule may set: Free 2 h, Pro 1 h, Business 1 s,
   * Enterprise 1 s. Source: developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl/,
   * "Minimum Edge Cache TTL" (last updated Aug 14, 2026).
   */
  readonly edgeCacheTtlMinSeconds: number;
  /**
   * `ip.src.subdivision_1_iso_code` (ISO 3166-2 region of the client IP) in rule expressions:
   * "Requires a Cloudflare Business or Enterprise plan". Source:
   * developers.cloudflare.com/ruleset-engine/rules-language/fields/reference/ip.src.subdivision_1_iso_code/.
   */
  readonly subdivisionField: boolean;
}

export const PLAN_LIMITS: Readonly<Record<CloudflarePlan, PlanLimits>> = {
  free: {
    rateLimitRules: 1,
    rateLimitPeriods: bothPagesUpTo(RATE_LIMIT_API_PERIODS, 10),
    rateLimitTimeouts: bothPagesUpTo(RATE_LIMIT_API_TIMEOUTS, 10),
    rateLimitHostField: false,
    customRules: 5,
    cacheRules: 10,
    transformRules: 10,
    managedRulesets: false,
    originHostOverride: false,
    healthChecks: false,
    healthCheckMinIntervalSeconds: 60,
    challengeNeedsZeroTimeout: true,
    edgeCacheTtlMinSeconds: 7200,
    subdivisionField: false,
  },
  pro: {
    rateLimitRules: 2,
    rateLimitPeriods: bothPagesUpTo(RATE_LIMIT_API_PERIODS, 60),
    rateLimitTimeouts: bothPagesUpTo(RATE_LIMIT_API_TIMEOUTS, 3600),
    rateLimitHostField: true,
    customRules: 20,
    cacheRules: 25,
    transformRules: 25,
    managedRulesets: true,
    originHostOverride: false,
    healthChecks: true,
    healthCheckMinIntervalSeconds: 60,
    challengeNeedsZeroTimeout: true,
    edgeCacheTtlMinSeconds: 3600,
    subdivisionField: false,
  },
  business: {
    rateLimitRules: 5,
    rateLimitPeriods: bothPagesUpTo(RATE_LIMIT_API_PERIODS, 600),
    rateLimitTimeouts: bothPagesUpTo(RATE_LIMIT_API_TIMEOUTS, 86400),
    rateLimitHostField: true,
    customRules: 100,
    cacheRules: 50,
    transformRules: 50,
    managedRulesets: true,
    originHostOverride: false,
    healthChecks: true,
    healthCheckMinIntervalSeconds: 15,
    challengeNeedsZeroTimeout: true,
    edgeCacheTtlMinSeconds: 1,
    subdivisionField: true,
  },
  enterprise: {
    rateLimitRules: 5,
    rateLimitPeriods: bothPagesUpTo(RATE_LIMIT_API_PERIODS, 65535),
    rateLimitTimeouts: bothPagesUpTo(RATE_LIMIT_API_TIMEOUTS, 86400),
    rateLimitHostField: true,
    customRules: 1000,
    cacheRules: 300,
    transformRules: 300,
    managedRulesets: true,
    originHostOverride: true,
    healthChecks: true,
    healthCheckMinIntervalSeconds: 10,
    challengeNeedsZeroTimeout: false,
    edgeCacheTtlMinSeconds: 1,
    subdivisionField: true,
  },
};

/** Rate limiting rules with the Advanced Rate Limiting add-on (Enterprise only). Same source as `rateLimitRules`. */
export const ADVANCED_RATE_LIMITING_RULES = 100;

/** The rate limiting rules a zone holds: its plan's, or 100 on Enterprise with Advanced Rate Limiting. */
export function rateLimitRulesOf(plan: CloudflarePlan, advancedRateLimiting: boolean): number {
  return plan === 'enterprise' && advancedRateLimiting ? ADVANCED_RATE_LIMITING_RULES : PLAN_LIMITS[plan].rateLimitRules;
}

/** Every period any plan allows: the schema's enum; the plan check is a cross-field rule. */
export const RATE_LIMIT_PERIODS: readonly number[] = [
  ...new Set(CLOUDFLARE_PLANS.flatMap((plan) => PLAN_LIMITS[plan].rateLimitPeriods)),
].sort((a, b) => a - b);

/** Every mitigation timeout any plan allows, 0 (throttling) included: the schema's enum. */
export const RATE_LIMIT_TIMEOUTS: readonly number[] = [
  0,
  ...new Set(CLOUDFLARE_PLANS.flatMap((plan) => PLAN_LIMITS[plan].rateLimitTimeouts)),
].sort((a, b) => a - b);

/** Managed rulesets, deployed with `execute` in the http_request_firewall_managed phase. */
export const MANAGED_RULESETS = {
  cloudflareManaged: 'efb7b8c949ac4650a09736fc376e9aee',
  owaspCore: '4814384a9e5d4991b9815dcfc25d2f1f',
} as const;

/** The OWASP ruleset's last rule, "949110: Inbound Anomaly Score Exceeded": carries the threshold. */
export const OWASP_ANOMALY_SCORE_RULE = '6179ae15870a4bb7b2d480d4843b323c';
/** OWASP score thresholds Cloudflare offers: 60 low, 40 medium, 25 high sensitivity. */
export const OWASP_SCORE_THRESHOLDS = [25, 40, 60] as const;

/** The entry-point ruleset phases the zone owner's edge stack creates (one ruleset per phase per zone). */
export const RULESET_PHASES = [
  'http_request_firewall_managed',
  'http_ratelimit',
  'http_request_firewall_custom',
  'http_request_cache_settings',
  'http_request_late_transform',
  'http_request_origin',
] as const;
export type RulesetPhase = (typeof RULESET_PHASES)[number];
