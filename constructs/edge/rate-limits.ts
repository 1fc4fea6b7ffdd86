/**
 * The rate limiting phase (http_ratelimit), per client IP: `/v1/auth/*` challenged and
 * `/v1/transactions/*` blocked with a JSON 429. Zone-wide (the counters match the path on every
 * host of the zone: Pro allows two rules in all, not two per environment).
 */
import { Ruleset, type RulesetRules } from '@cdktf/provider-cloudflare/lib/ruleset';
import { Construct } from 'constructs';
import { type CloudflarePlan, ADVANCED_RATE_LIMITING_RULES, rateLimitRulesOf } from '../../config/cloudflare';
import { pathUnder } from './expressions';
import { PlanError, checkRuleCount, limitsOf } from './plan';

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

export class RateLimits extends Construct {
  readonly ruleset: Ruleset;

  constructor(scope: Construct, id: string, props: RateLimitsProps) {
    super(scope, id);
    const plan = limitsOf(props.plan);
    const advanced = props.plan === 'enterprise' && (props.advancedRateLimiting ?? false);
    if (props.limits.length > rateLimitRulesOf(props.plan, advanced)) {
      if (props.plan === 'enterprise' && !advanced && props.limits.length <= ADVANCED_RATE_LIMITING_RULES) {
        throw new PlanError(
          'edge.plan',
          `${props.limits.length} rate limiting rules exceed the enterprise plan's ${rateLimitRulesOf('enterprise', false)}; they need the Advanced Rate Limiting add-on (edge.addons.advancedRateLimiting)`,
        );
      }
      checkRuleCount('edge.plan', 'rate limiting rules', props.limits.length, 'rateLimitRules', props.plan);
    }
    const rules: RulesetRules[] = props.limits.map((limit) => {
      if (!plan.rateLimitPeriods.includes(limit.periodSeconds)) {
        throw new PlanError('edge.rateLimits', `a ${limit.periodSeconds} s period is not available on the ${props.plan} plan (allowed: ${plan.rateLimitPeriods.join(', ')})`);
      }
      if (limit.action !== 'block' && plan.challengeNeedsZeroTimeout && limit.mitigationTimeoutSeconds !== 0) {
        throw new PlanError('edge.rateLimits', `a challenge needs mitigation timeout 0 on the ${props.plan} plan (found ${limit.mitigationTimeoutSeconds})`);
      }
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
    this.ruleset = new Ruleset(this, 'ruleset', {
      zoneId: props.zoneId,
      kind: 'zone',
      phase: 'http_ratelimit',
      name: 'Rate limits',
      description: 'API rate limits per client IP (managed by the drop edge stack)',
      rules,
    });
  }
}
