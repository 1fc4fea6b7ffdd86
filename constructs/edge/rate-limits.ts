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
   * @default - `rateLimitedBody`: a JSON error with the seconds to wait
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
   * @default - for a block, 429 with `rateLimitedBody` as application/json
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

/**
 * The default body of a block: a JSON error that says when to retry. A block below Enterprise
 * lasts its mitigation timeout, so that is the longest a client waits. Cloudflare also sends a
 * `Retry-After` header with a rate limiting rule's response (changelog 2026-03-12, "Retry-After
 * HTTP header for retryable 1xxx errors": "If a WAF rate limiting rule has already set a dynamic
 * Retry-After value on the response, that value takes precedence"); the provider's `response`
 * has no headers to set (cloudflare/cloudflare v5.14 internal/services/ruleset/schema.go:
 * content, content_type, status_code).
 */
export function rateLimitedBody(retryAfterSeconds: number): string {
  return JSON.stringify({
    error: 'rate_limited',
    message: `Too many requests. Try again in ${retryAfterSeconds} seconds.`,
    retryAfterSeconds,
  });
}

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
    const what = `the ${limits.length} rate limits (${limits.map(([name, limit]) => `${name}: ${pathsShown(limit)}`).join('; ')})`;
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
    const throttles = mitigationTimeoutSeconds === 0;
    if (limit.action !== 'block' && limitsOfPlan.challengeNeedsZeroTimeout) {
      // A challenge below Enterprise throttles: it has no mitigation timeout.
      if (!throttles) {
        problems.push({
          path,
          input: mitigationTimeoutSeconds,
          message: `must be 0 on the ${plan} plan: a challenge action has no mitigation timeout below Enterprise`,
        });
      }
    } else if (throttles && limitsOfPlan.challengeNeedsZeroTimeout) {
      problems.push({
        path,
        input: mitigationTimeoutSeconds,
        message:
          `is throttling, which a block may do on the enterprise plan only; expected one of ${limitsOfPlan.rateLimitTimeouts.join(', ')} seconds ` +
          `on the ${plan} plan`,
      });
    } else if (!throttles && !limitsOfPlan.rateLimitTimeouts.includes(mitigationTimeoutSeconds)) {
      const neededPlan = lowestPlanWhere((p) => PLAN_LIMITS[p].rateLimitTimeouts.includes(mitigationTimeoutSeconds));
      problems.push({
        path,
        input: mitigationTimeoutSeconds,
        message:
          `is not available on the ${plan} plan; expected one of ${limitsOfPlan.rateLimitTimeouts.join(', ')} seconds` +
          (neededPlan ? `; a ${mitigationTimeoutSeconds} s timeout needs the ${neededPlan} plan` : ''),
      });
    }
    if (limit.hosts !== undefined && !limitsOfPlan.rateLimitHostField) {
      problems.push({
        path: ['limits', name, 'hosts'],
        input: limit.hosts,
        message: `cannot be matched on the ${plan} plan: its rate limiting rules match on the path only (hostnames need the pro plan); expected no hosts`,
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
    const refs = rateLimitRefs(props.limits);
    const rules: RulesetRules[] = Object.entries(props.limits).map(([name, limit]) => {
      const paths = any(...limit.paths.map(pathUnder));
      return {
        ref: refs[name],
        description: `${pathsShown(limit)}: ${limit.action} above ${limit.requestsPerPeriod} requests per ${limit.periodSeconds} s per client IP`,
        expression: limit.hosts === undefined ? paths : all(hostIn(hostsOf(limit.hosts, props.sites ?? [])), paths),
        action: limit.action,
        ...(limit.action === 'block' ? { actionParameters: { response: responseOf(limit) } } : {}),
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

/**
 * Each limit's rule `ref`: `ratelimit_` and its first path (`ratelimit_v1_auth`), followed by the
 * limit's name where limits share a first path (`ratelimit_api_auth_webAuth`), because a ref must be
 * unique in its ruleset (developers.cloudflare.com/terraform/troubleshooting/rule-id-changes/: "a
 * user-defined external identifier that must be unique for each rule in a ruleset"; the provider
 * does not check it: cloudflare/cloudflare v5.22 internal/services/ruleset/schema.go validates its
 * length only). The provider keeps a rule's id across applies by its ref, so a ref changes only
 * when the first path does or another limit comes to share it.
 */
export function rateLimitRefs(limits: Readonly<Record<string, Pick<RateLimit, 'paths'>>>): Record<string, string> {
  const byPath = Object.entries(limits).map(([name, limit]) => [
    name,
    `ratelimit_${limit.paths[0].replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
  ]);
  const shared = (ref: string) => byPath.filter(([, other]) => other === ref).length > 1;
  return Object.fromEntries(byPath.map(([name, ref]) => [name, shared(ref) ? `${ref}_${name}` : ref]));
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
function responseOf(limit: Pick<RateLimit, 'response' | 'mitigationTimeoutSeconds' | 'periodSeconds'>) {
  const response = limit.response ?? {};
  return {
    statusCode: response.statusCode ?? 429,
    contentType: response.contentType ?? 'application/json',
    content: response.content ?? rateLimitedBody(limit.mitigationTimeoutSeconds || limit.periodSeconds),
  };
}
