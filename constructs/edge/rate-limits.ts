/**
 * The rate limiting phase (http_ratelimit): one rule per rate limit, each counted per data centre
 * and client IP. A limit names its paths, optionally the hostnames of each environment it covers
 * (`hosts`), its action, its numbers and (for a block) the response. Zone-wide: with no `hosts`
 * the counters match the path on every host of the zone (Pro allows two rules in all, not two per
 * environment).
 */
import type { Ruleset, RulesetRules } from '@cdktf/provider-cloudflare/lib/ruleset';
import { Construct } from 'constructs';
import { type Problem, throwIfProblems } from '../validation';
import { type CloudflarePlan, ADVANCED_RATE_LIMITING_RULES, PLAN_LIMITS, lowestPlanWhere, rateLimitRulesOf } from './cloudflare';
import { all, any, hostIn, pathUnder } from './expressions';
import { entryPointRuleset } from './ruleset';
import type { EdgeSite } from './site';

/** What a rate limit does once the rate is exceeded. */
export const RATE_LIMIT_ACTIONS = ['block', 'managed_challenge'] as const;
export type RateLimitAction = (typeof RATE_LIMIT_ACTIONS)[number];

/** The hostnames of an environment a rate limit can cover: its public hostname, its api hostname. */
export const RATE_LIMIT_HOSTS = ['public', 'api'] as const;
export type RateLimitHost = (typeof RATE_LIMIT_HOSTS)[number];

/** Content types a rate limiting rule's custom response may have (developers.cloudflare.com/waf/rate-limiting-rules/parameters/). */
export const RATE_LIMIT_CONTENT_TYPES = ['application/json', 'text/html', 'text/xml', 'text/plain'] as const;

/** What a blocked request gets back (block only; a challenge shows Cloudflare's challenge page). */
export interface RateLimitResponse {
  /**
   * HTTP status, 400-499.
   * @default 429
   */
  readonly statusCode?: number;
  /**
   * @default "application/json"
   */
  readonly contentType?: (typeof RATE_LIMIT_CONTENT_TYPES)[number];
  /**
   * The body (at most 30 KB).
   * @default - `RATE_LIMITED_BODY`, a JSON error
   */
  readonly content?: string;
}

export interface RateLimit {
  /** Path prefixes ending in "/": `/v1/auth/` counts `/v1/auth` and everything below it. */
  readonly paths: readonly string[];
  /**
   * The hostnames of each environment of the zone the limit covers.
   * @default - every hostname of the zone (no host condition)
   */
  readonly hosts?: readonly RateLimitHost[];
  readonly action: RateLimitAction;
  /**
   * The response of a block.
   * @default - for a block, 429 with `RATE_LIMITED_BODY` as application/json
   */
  readonly response?: RateLimitResponse;
  readonly requestsPerPeriod: number;
  readonly periodSeconds: number;
  /** Seconds the action lasts; 0 for challenges below Enterprise. */
  readonly mitigationTimeoutSeconds: number;
}

export interface RateLimitsProps {
  readonly zoneId: string;
  readonly plan: CloudflarePlan;
  /**
   * The zone has the Advanced Rate Limiting add-on (Enterprise): 100 rules instead of 5.
   * @default false
   */
  readonly advancedRateLimiting?: boolean;
  /** The rate limits by name, one rule each, in this order. */
  readonly limits: Readonly<Record<string, RateLimit>>;
  /**
   * Every environment of the zone: the hostnames a limit's `hosts` stand for.
   * @default - none (a limit with `hosts` is refused)
   */
  readonly sites?: readonly Pick<EdgeSite, 'publicHost' | 'apiHost'>[];
}

/** Counted per data centre and client IP: the characteristics every plan allows. */
export const RATE_LIMIT_CHARACTERISTICS = ['cf.colo.id', 'ip.src'];

export const RATE_LIMITED_BODY = JSON.stringify({
  error: 'rate_limited',
  message: 'Too many requests. Try again in a few seconds.',
});

/**
 * What the zone plan cannot run of `props`: the add-on, the number of rules, each limit's period
 * and mitigation timeout, a response on a challenge. Paths are props paths (`limits.<name>.periodSeconds`).
 */
export function rateLimitProblems(props: Pick<RateLimitsProps, 'plan' | 'advancedRateLimiting' | 'limits'>): Problem[] {
  const { plan } = props;
  const limits = Object.entries(props.limits);
  const problems: Problem[] = [];
  if (props.advancedRateLimiting && plan !== 'enterprise') {
    problems.push({
      path: ['advancedRateLimiting'],
      input: true,
      message: `is an Enterprise add-on; the ${plan} plan cannot have it (expected false, or plan "enterprise")`,
    });
  }
  const allowed = rateLimitRulesOf(plan, props.advancedRateLimiting ?? false);
  if (limits.length > allowed) {
    const what = `the ${limits.length} rate limits (${limits.map(([, limit]) => pathsShown(limit)).join(', ')})`;
    const needed = lowestPlanWhere((p) => PLAN_LIMITS[p].rateLimitRules >= limits.length);
    const addOn = 'the Advanced Rate Limiting add-on (advancedRateLimiting)';
    const remedy = needed
      ? `need the ${needed} plan or higher`
      : limits.length > ADVANCED_RATE_LIMITING_RULES
        ? 'are more than any plan allows'
        : plan === 'enterprise'
          ? `need ${addOn}`
          : `need the enterprise plan with ${addOn}`;
    problems.push({ path: ['plan'], input: plan, message: `allows ${allowed} rate limiting rule(s); ${what} ${remedy}` });
  }
  const limitsOfPlan = PLAN_LIMITS[plan];
  for (const [name, limit] of limits) {
    const { periodSeconds, mitigationTimeoutSeconds } = limit;
    if (!limitsOfPlan.rateLimitPeriods.includes(periodSeconds)) {
      const neededPlan = lowestPlanWhere((p) => PLAN_LIMITS[p].rateLimitPeriods.includes(periodSeconds));
      problems.push({
        path: ['limits', name, 'periodSeconds'],
        input: periodSeconds,
        message:
          `is not available on the ${plan} plan (allowed: ${limitsOfPlan.rateLimitPeriods.join(', ')} seconds); ` +
          (neededPlan ? `a ${periodSeconds} s period needs the ${neededPlan} plan` : `no plan has a ${periodSeconds} s period`),
      });
    }
    const path = ['limits', name, 'mitigationTimeoutSeconds'];
    // A challenge below Enterprise must have no mitigation timeout.
    if (limit.action !== 'block' && limitsOfPlan.challengeNeedsZeroTimeout) {
      if (mitigationTimeoutSeconds !== 0) {
        problems.push({
          path,
          input: mitigationTimeoutSeconds,
          message: `must be 0 on the ${plan} plan: a challenge action has no mitigation timeout below Enterprise`,
        });
      }
    } else if (
      !(limit.action !== 'block' && mitigationTimeoutSeconds === 0) &&
      !limitsOfPlan.rateLimitTimeouts.includes(mitigationTimeoutSeconds)
    ) {
      problems.push({
        path,
        input: mitigationTimeoutSeconds,
        message: `is not available on the ${plan} plan; expected one of ${limitsOfPlan.rateLimitTimeouts.join(', ')} seconds`,
      });
    }
    if (limit.response !== undefined && limit.action !== 'block') {
      problems.push({
        path: ['limits', name, 'response'],
        input: limit.response,
        message: `is only for the block action; a ${limit.action} answers with Cloudflare's challenge page (expected no response, or action "block")`,
      });
    }
  }
  return problems;
}

/** `/v1/auth/*, /api/auth/*`: for messages and rule descriptions. */
function pathsShown(limit: Pick<RateLimit, 'paths'>): string {
  return limit.paths.map((path) => `${path}*`).join(', ');
}

export class RateLimits extends Construct {
  readonly ruleset: Ruleset;

  constructor(scope: Construct, id: string, props: RateLimitsProps) {
    super(scope, id);
    throwIfProblems(this, [...rateLimitProblems(props), ...hostProblems(props)]);
    const rules: RulesetRules[] = Object.values(props.limits).map((limit) => {
      const paths = any(...limit.paths.map(pathUnder));
      return {
        ref: `ratelimit_${limit.paths[0].replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
        description: `${pathsShown(limit)}: ${limit.action} above ${limit.requestsPerPeriod} requests per ${limit.periodSeconds} s per client IP`,
        expression: limit.hosts === undefined ? paths : all(hostIn(hostsOf(limit.hosts, props.sites ?? [])), paths),
        action: limit.action,
        ...(limit.action === 'block' ? { actionParameters: { response: responseOf(limit.response) } } : {}),
        ratelimit: {
          characteristics: RATE_LIMIT_CHARACTERISTICS,
          period: limit.periodSeconds,
          requestsPerPeriod: limit.requestsPerPeriod,
          mitigationTimeout: limit.mitigationTimeoutSeconds,
        },
      };
    });
    this.ruleset = entryPointRuleset(this, 'ruleset', {
      zoneId: props.zoneId,
      phase: 'http_ratelimit',
      name: 'Rate limits',
      purpose: 'API rate limits per client IP',
      rules,
    });
  }
}

/** A limit with `hosts` needs the sites they stand for. */
function hostProblems(props: Pick<RateLimitsProps, 'limits' | 'sites'>): Problem[] {
  if ((props.sites ?? []).length > 0) return [];
  return Object.entries(props.limits)
    .filter(([, limit]) => limit.hosts !== undefined)
    .map(([name, limit]) => ({
      path: ['limits', name, 'hosts'],
      input: limit.hosts,
      message: 'names hostnames of the environments, but no sites were given (expected sites, or no hosts for a zone-wide limit)',
    }));
}

/** The hostnames `hosts` stand for in every site of the zone. */
function hostsOf(hosts: readonly RateLimitHost[], sites: readonly Pick<EdgeSite, 'publicHost' | 'apiHost'>[]): string[] {
  return sites.flatMap((site) => hosts.map((host) => (host === 'public' ? site.publicHost : site.apiHost)));
}

/** A block's response with its defaults. */
function responseOf(response: RateLimitResponse = {}) {
  return {
    statusCode: response.statusCode ?? 429,
    contentType: response.contentType ?? 'application/json',
    content: response.content ?? RATE_LIMITED_BODY,
  };
}
