/**
 * The environments of a Cloudflare zone as the zone-wide edge constructs see them, and the plan
 * limits that only the whole zone can be checked against: the number of rules in each
 * entry-point ruleset, which holds the rules of every environment of the zone.
 */
import { cacheRuleCountProblems } from '../constructs/edge/cache-rules';
import { customRuleCountProblems } from '../constructs/edge/firewall-rules';
import { transformRuleCountProblems } from '../constructs/edge/origin-rules';
import type { EdgeSite } from '../constructs/edge/site';
import { type Problem, mapPaths } from '../constructs/validation';
import type { EnvironmentConfig } from './schema';

/** One environment of the zone as the zone-wide rules see it; `originVerifySecret` is the header value (a token in a synth). */
export function edgeSiteOf(env: EnvironmentConfig, originVerifySecret: string): EdgeSite {
  const { countries, cache } = env.edge;
  return {
    name: env.name,
    publicHost: env.domains.public,
    apiHost: env.domains.apiOrigin,
    allowedCountries: [...countries.allowed, ...countries.testRegions],
    sanctionedCountries: countries.sanctioned,
    sanctionedRegions: countries.sanctionedRegions,
    exceptionIpRanges: countries.exceptions.ipRanges,
    exceptionAsns: countries.exceptions.asns,
    healthPaths: [...new Set([env.compute.services.web.healthCheck.path, env.compute.services.api.healthCheck.path])],
    publicAssets: cache.publicAssets,
    publicAssetTtlSeconds: cache.publicAssetTtlSeconds,
    originVerifySecret,
  };
}

/**
 * The entry-point rulesets of the zone owner that would hold more rules than its plan allows,
 * counted over every environment of `zone` exactly as the edge constructs build them. Paths are
 * configuration paths of the owner's file (`edge.plan`).
 */
export function zoneRuleCountProblems(owner: EnvironmentConfig, zone: readonly EnvironmentConfig[]): Problem[] {
  const { plan, addons } = owner.edge;
  // The header value does not change how many rules there are.
  const sites = zone.map((env) => edgeSiteOf(env, ''));
  const problems = [
    ...customRuleCountProblems({ plan, botManagement: addons.botManagement, sites }),
    ...cacheRuleCountProblems({ plan, sites }),
    ...transformRuleCountProblems({ plan, sites }),
  ];
  return mapPaths(problems, (path) => ['edge', ...path]);
}
