/** Plan checks shared by the edge constructs. */
import type { Problem } from '../validation';
import { type CloudflarePlan, PLAN_LIMITS, type PlanLimits, lowestPlanWhere } from './cloudflare';

type CountLimit = 'customRules' | 'cacheRules' | 'transformRules';

/** A problem on `plan` when `count` rules exceed what it allows in one entry-point ruleset. */
export function ruleCountProblems(what: string, count: number, limit: CountLimit, plan: CloudflarePlan): Problem[] {
  const allowed = PLAN_LIMITS[plan][limit];
  if (count <= allowed) return [];
  const needed = lowestPlanWhere((p) => PLAN_LIMITS[p][limit] >= count);
  return [
    {
      path: ['plan'],
      input: plan,
      message:
        `${count} ${what} exceed the ${plan} plan's ${allowed}` +
        (needed ? `; they need the ${needed} plan` : '; no plan allows that many'),
    },
  ];
}

export function limitsOf(plan: CloudflarePlan): PlanLimits {
  return PLAN_LIMITS[plan];
}
