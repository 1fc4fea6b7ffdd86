/**
 * Facts about Cloudflare that the configuration is checked against and the edge constructs obey:
 * what each zone plan allows, the country codes Cloudflare uses, the managed ruleset IDs.
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

export interface PlanLimits {
  /** Rules in the zone's http_ratelimit entry-point ruleset. */
  readonly rateLimitRules: number;
  /** Counting periods (seconds) a rate limit rule may use. */
  readonly rateLimitPeriods: readonly number[];
  /** Mitigation timeouts (seconds) a blocking rate limit rule may use. */
  readonly rateLimitTimeouts: readonly number[];
  /** Rules in the zone's http_request_firewall_custom entry-point ruleset. */
  readonly customRules: number;
  /** Rules in the zone's http_request_cache_settings entry-point ruleset. */
  readonly cacheRules: number;
  /** Rules in the zone's request header transform entry-point ruleset. */
  readonly transformRules: number;
  /** Cloudflare Managed Ruleset and OWASP Core Ruleset in the managed phase. */
  readonly managedRulesets: boolean;
  /** Origin rules may override the Host header and the resolved DNS record (and so the SNI). */
  readonly originHostOverride: boolean;
  /** Standalone health checks (cloudflare_healthcheck), and their shortest interval in seconds. */
  readonly healthChecks: boolean;
  readonly healthCheckMinIntervalSeconds: number;
  /** A challenge action in a rate limit rule needs mitigation_timeout = 0 below Enterprise. */
  readonly challengeNeedsZeroTimeout: boolean;
}

export const PLAN_LIMITS: Readonly<Record<CloudflarePlan, PlanLimits>> = {
  free: {
    rateLimitRules: 1,
    rateLimitPeriods: [10],
    rateLimitTimeouts: [10],
    customRules: 5,
    cacheRules: 10,
    transformRules: 10,
    managedRulesets: false,
    originHostOverride: false,
    healthChecks: false,
    healthCheckMinIntervalSeconds: 60,
    challengeNeedsZeroTimeout: true,
  },
  pro: {
    rateLimitRules: 2,
    rateLimitPeriods: [10, 60],
    rateLimitTimeouts: [10, 60],
    customRules: 20,
    cacheRules: 25,
    transformRules: 25,
    managedRulesets: true,
    originHostOverride: false,
    healthChecks: true,
    healthCheckMinIntervalSeconds: 60,
    challengeNeedsZeroTimeout: true,
  },
  business: {
    rateLimitRules: 5,
    rateLimitPeriods: [10, 60, 600],
    rateLimitTimeouts: [10, 60, 600, 3600],
    customRules: 100,
    cacheRules: 50,
    transformRules: 50,
    managedRulesets: true,
    originHostOverride: false,
    healthChecks: true,
    healthCheckMinIntervalSeconds: 15,
    challengeNeedsZeroTimeout: true,
  },
  enterprise: {
    rateLimitRules: 100,
    rateLimitPeriods: [10, 60, 120, 300, 600, 3600],
    rateLimitTimeouts: [10, 60, 120, 300, 600, 3600, 86400],
    customRules: 1000,
    cacheRules: 300,
    transformRules: 300,
    managedRulesets: true,
    originHostOverride: true,
    healthChecks: true,
    healthCheckMinIntervalSeconds: 10,
    challengeNeedsZeroTimeout: false,
  },
};

/** Every period any plan allows: the schema's enum; the plan check is a cross-field rule. */
export const RATE_LIMIT_PERIODS = [10, 60, 120, 300, 600, 3600] as const;

/** Managed rulesets, deployed with `execute` in the http_request_firewall_managed phase. */
export const MANAGED_RULESETS = {
  cloudflareManaged: 'efb7b8c949ac4650a09736fc376e9aee',
  owaspCore: '4814384a9e5d4991b9815dcfc25d2f1f',
} as const;

/** The OWASP ruleset's last rule, "949110: Inbound Anomaly Score Exceeded": carries the threshold. */
export const OWASP_ANOMALY_SCORE_RULE = '6179ae15870a4bb7b2d480d4843b323c';
/** OWASP score thresholds Cloudflare offers: 60 low, 40 medium, 25 high sensitivity. */
export const OWASP_SCORE_THRESHOLDS = [25, 40, 60] as const;

/**
 * Current comprehensive (country-wide) sanctions, OFAC and UN, November 2026: Cuba, Iran, North
 * Korea. Syria left OFAC's comprehensive programmes in 2025 (EO 14312). Region-level sanctions
 * (Crimea, so-called DNR/LNR) are not country codes; the allow list keeps them out anyway.
 */
export const DEFAULT_SANCTIONED_COUNTRIES = ['CU', 'IR', 'KP'] as const;

/** ISO 3166-1 alpha-2 codes, as Cloudflare's ip.src.country uses them. */
export const ISO_COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS ' +
    'BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE ' +
    'EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM ' +
    'HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC ' +
    'LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA ' +
    'NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO ' +
    'TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** Cloudflare's own codes besides ISO ones: Tor exit nodes and unknown origin. */
export const CLOUDFLARE_SPECIAL_COUNTRIES = ['T1', 'XX'] as const;
