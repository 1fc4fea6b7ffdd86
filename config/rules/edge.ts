/**
 * Cross-field rules of `domains` and `edge`. What the zone plan allows is checked by the edge
 * constructs' own `problems` functions, called here with the environment's values, so the
 * configuration and the constructs say the same thing.
 */
import { PLAN_LIMITS, RATE_LIMIT_PERIODS, RATE_LIMIT_TIMEOUTS } from '../../constructs/edge/cloudflare';
import { publicAssetTtlProblems } from '../../constructs/edge/cache-rules';
import { managedWafProblems } from '../../constructs/edge/managed-waf';
import { originHealthProblems } from '../../constructs/edge/origin-health';
import { rateLimitProblems } from '../../constructs/edge/rate-limits';
import { mapPaths } from '../../constructs/validation';
import type { EnvironmentConfig } from '../schema';
import type { Problem, Rules } from './rule';

/** The entries of the allow lists (edge.countries.allowed and .testRegions) that are in `countries`, each with `message`. */
function allowListEntriesIn(env: EnvironmentConfig, countries: ReadonlySet<string>, message: string): Problem[] {
  return (['allowed', 'testRegions'] as const).flatMap((key) =>
    env.edge.countries[key].flatMap((code, index) =>
      countries.has(code) ? [{ path: ['edge', 'countries', key, index], input: code, message }] : [],
    ),
  );
}

export const edgeRules: Rules = {
  hostnamesInZone: (env) => {
    const zone = env.edge.zone;
    return Object.entries(env.domains).flatMap(([key, host]) => {
      const path = ['domains', key];
      if (host !== zone && !host.endsWith(`.${zone}`)) {
        return [{ path, input: host, message: `is not in zone "${zone}"; expected "${zone}" or a name ending in ".${zone}"` }];
      }
      // Cloudflare's Universal SSL certificate covers the apex and one level below it only.
      if (host.slice(0, -zone.length - 1).includes('.')) {
        return [
          {
            path,
            input: host,
            message: `is more than one level below "${zone}", which the zone's Universal SSL certificate does not cover; expected a name such as "staging-api.${zone}"`,
          },
        ];
      }
      return [];
    });
  },
  rateLimitsOnPlan: (env) =>
    mapPaths(
      rateLimitProblems({
        plan: env.edge.plan,
        advancedRateLimiting: env.edge.addons.advancedRateLimiting,
        limits: env.edge.rateLimits,
      }),
      (path) =>
        path[0] === 'limits'
          ? ['edge', 'rateLimits', ...path.slice(1)]
          : path[0] === 'advancedRateLimiting'
            ? ['edge', 'addons', 'advancedRateLimiting']
            : ['edge', ...path],
      // A period or timeout no plan has is the schema's error already.
    ).filter(
      (problem) =>
        (problem.path.at(-1) !== 'periodSeconds' || RATE_LIMIT_PERIODS.includes(problem.input as number)) &&
        (problem.path.at(-1) !== 'mitigationTimeoutSeconds' || RATE_LIMIT_TIMEOUTS.includes(problem.input as number)),
    ),
  publicAssetTtlOnPlan: (env) =>
    mapPaths(publicAssetTtlProblems({ plan: env.edge.plan, ...env.edge.cache }), (path) => ['edge', 'cache', ...path]),
  sanctionedRegionsEnforceable: (env) =>
    PLAN_LIMITS[env.edge.plan].subdivisionField
      ? []
      : allowListEntriesIn(
          env,
          new Set(env.edge.countries.sanctionedRegions.map((code) => code.slice(0, 2))),
          `holds sanctioned regions (edge.countries.sanctionedRegions) that the ${env.edge.plan} plan cannot match ` +
            '(ip.src.subdivision_1_iso_code needs the business plan or higher); expected the country left out of the allow list, or plan "business"',
        ),
  existingRulesetsOfTheOwner: (env) => {
    const named = Object.entries(env.edge.existingRulesets).filter(([, existing]) => existing !== undefined);
    if (named.length === 0) return [];
    if (!env.edge.zoneOwner) {
      return [
        {
          path: ['edge', 'existingRulesets'],
          input: env.edge.existingRulesets,
          message: 'is only for the zone owner (edge.zoneOwner true): only its edge stack holds the entry-point rulesets',
        },
      ];
    }
    return named
      .filter(([phase]) => phase === 'http_request_origin' && !PLAN_LIMITS[env.edge.plan].originHostOverride)
      .map(([phase, existing]) => ({
        path: ['edge', 'existingRulesets', phase],
        input: existing,
        message: `names a ruleset the ${env.edge.plan} plan's edge stack does not manage (the api origin rule is Enterprise-only; below it a Worker routes /v1/*); expected no http_request_origin entry`,
      }));
  },
  managedRulesetsOnPlan: (env) => mapPaths(managedWafProblems({ plan: env.edge.plan }), (path) => ['edge', ...path]),
  originHealthOnPlan: (env) =>
    mapPaths(originHealthProblems({ plan: env.edge.plan, ...env.edge.originHealth }), (path) =>
      path[0] === 'plan' ? ['edge', 'plan'] : ['edge', 'originHealth', ...path],
    ),
  sanctionedCountriesNeverAllowed: (env) =>
    allowListEntriesIn(
      env,
      new Set(env.edge.countries.sanctioned),
      'is in edge.countries.sanctioned; a sanctioned country cannot be allowed',
    ),
  distinctHostnames: (env) =>
    env.domains.public === env.domains.apiOrigin
      ? [
          {
            path: ['domains', 'apiOrigin'],
            input: env.domains.apiOrigin,
            message: 'is the same as domains.public; the api needs a hostname of its own',
          },
        ]
      : [],
};
