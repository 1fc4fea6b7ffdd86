/**
 * The rate limiting phase (http_ratelimit), per client IP: `/v1/auth/*` challenged and
 * `/v1/transactions/*` blocked with a JSON 429. Zone-wide (the counters match the path on every
 * host of the zone: Pro allows two rules in all, not two per environment).
 */
import type { Ruleset, RulesetRules } from '@cdktf/provider-cloudflare/lib/ruleset';
import { Construct } from 'constructs';
import { type Problem, throwIfProblems } from '../validation';
import { type CloudflarePlan, ADVANCED_RATE_LIMITING_RULES, PLAN_LIMITS, lowestPlanWhere, rateLimitRulesOf } from './cloudflare';
import { pathUnder } from './expressions';
import { entryPointRuleset } from './ruleset';

export interface RateLimit {
  /** Path prefix, e.g. `/v1/auth/`. */
  readonly pathPrefix: string;
  readonly action: 'managed_challenge' | 'block';
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
  readonly limits: readonly RateLimit[];
}

/** Counted per data centre and client IP: the characteristics every plan allows. */
export const RATE_LIMIT_CHARACTERISTICS = ['cf.colo.id', 'ip.src'];

export const RATE_LIMITED_BODY = JSON.stringify({
  error: 'rate_limited',
  message: 'Too many requests. Try again in a few seconds.',
});

/**
 * What the zone plan cannot run of `props`: the add-on, the number of rules, each limit's period
 * and mitigation timeout. Paths are props paths (`limits.<index>.periodSeconds`).
 */
export function rateLimitProblems(props: Pick<RateLimitsProps, 'plan' | 'advancedRateLimiting' | 'limits'>): Problem[] {
  const { plan, limits } = props;
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
    const what = `the ${limits.length} rate limits (${limits.map((limit) => `${limit.pathPrefix}*`).join(', ')})`;
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
  limits.forEach((limit, index) => {
    const { periodSeconds, mitigationTimeoutSeconds } = limit;
    if (!limitsOfPlan.rateLimitPeriods.includes(periodSeconds)) {
      const neededPlan = lowestPlanWhere((p) => PLAN_LIMITS[p].rateLimitPeriods.includes(periodSeconds));
      problems.push({
        path: ['limits', index, 'periodSeconds'],
        input: periodSeconds,
        message:
          `is not available on the ${plan} plan (allowed: ${limitsOfPlan.rateLimitPeriods.join(', ')} seconds); ` +
          (neededPlan ? `a ${periodSeconds} s period needs the ${neededPlan} plan` : `no plan has a ${periodSeconds} s period`),
      });
    }
    const path = ['limits', index, 'mitigationTimeoutSeconds'];
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
  });
  return problems;
}

export class RateLimits extends Construct {
  readonly ruleset: Ruleset;

  constructor(scope: Construct, id: string, props: RateLimitsProps) {
    super(scope, id);
    throwIfProblems(this, rateLimitProblems(props));
    const rules: RulesetRules[] = props.limits.map((limit) => {
      return {
        ref: `ratelimit_${limit.pathPrefix.replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
        description: `${limit.pathPrefix}*: ${limit.action} above ${limit.requestsPerPeriod} requests per ${limit.periodSeconds} s per client IP`,
        expression: pathUnder(limit.pathPrefix),
        action: limit.action,
        ...(limit.action === 'block'
          ? { actionParameters: { response: { statusCode: 429, contentType: 'application/json', content: RATE_LIMITED_BODY } } }
          : {}),
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
