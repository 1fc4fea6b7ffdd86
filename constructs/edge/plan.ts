/** Plan checks shared by the edge constructs. */
import { type CloudflarePlan, CLOUDFLARE_PLANS, PLAN_LIMITS, type PlanLimits } from '../../config/cloudflare';

/** The zone plan cannot run what a construct was asked for. The message names the plan needed. */
export class PlanError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'PlanError';
  }
}

type CountLimit = 'customRules' | 'cacheRules' | 'transformRules' | 'rateLimitRules';

/** Throws when `count` rules exceed what `plan` allows in one entry-point ruleset. */
export function checkRuleCount(path: string, what: string, count: number, limit: CountLimit, plan: CloudflarePlan): void {
  const allowed = PLAN_LIMITS[plan][limit];
  if (count <= allowed) return;
  const needed = CLOUDFLARE_PLANS.find((p) => PLAN_LIMITS[p][limit] >= count);
  throw new PlanError(
    path,
    `${count} ${what} exceed the ${plan} plan's ${allowed}` + (needed ? `; they need the ${needed} plan` : '; no plan allows that many'),
  );
}

export function limitsOf(plan: CloudflarePlan): PlanLimits {
  return PLAN_LIMITS[plan];
}
