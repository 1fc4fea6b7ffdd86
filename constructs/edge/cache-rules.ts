/**
 * The cache rules phase (http_request_cache_settings), per environment by hostname: the web
 * app's build output `/_next/static/*` (content-hashed, immutable) cached for a year, its public
 * assets (served at the site root, not under /public/) for the configured TTL, and `/v1/*` never.
 * HTML is never matched, so pages that set cookies are never cached.
 * Zone-wide: only the zone owner's edge stack creates it.
 */
import type { Ruleset, RulesetRules } from '@cdktf/provider-cloudflare/lib/ruleset';
import { Construct } from 'constructs';
import { type CloudflarePlan, PLAN_LIMITS, lowestPlanWhere } from './cloudflare';
import { all, hostIn, pathPatterns, pathStartsWith, quoted } from './expressions';
import { ruleCountProblems } from './plan';
import { type Problem, mapPaths, throwIfProblems } from '../validation';
import type { EdgeSite } from './site';
import { entryPointRuleset } from './ruleset';

export interface CacheRulesProps {
  readonly zoneId: string;
  readonly plan: CloudflarePlan;
  readonly sites: readonly EdgeSite[];
}

/** One year: Next.js names these files by content hash and serves them `immutable`. */
export const IMMUTABLE_TTL_SECONDS = 31536000;

/**
 * A public asset TTL below the plan's minimum edge cache TTL (`publicAssetTtlSeconds` is the
 * props path), naming the plan that allows it.
 */
export function publicAssetTtlProblems(props: { readonly plan: CloudflarePlan; readonly publicAssetTtlSeconds: number }): Problem[] {
  const minimum = PLAN_LIMITS[props.plan].edgeCacheTtlMinSeconds;
  const ttl = props.publicAssetTtlSeconds;
  if (ttl >= minimum) return [];
  const needed = lowestPlanWhere((plan) => PLAN_LIMITS[plan].edgeCacheTtlMinSeconds <= ttl);
  return [
    {
      path: ['publicAssetTtlSeconds'],
      input: ttl,
      message:
        `is below the ${props.plan} plan's minimum edge cache TTL of ${minimum} seconds (${humanSeconds(minimum)})` +
        (needed ? `; ${ttl} s needs the ${needed} plan` : ''),
    },
  ];
}

/** "2 h", "1 h", "1 s": for messages. */
function humanSeconds(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** The rules of the zone's cache rules phase, in order. Pure: the construct and the zone check both count them. */
export function cacheRules(props: Pick<CacheRulesProps, 'sites'>): RulesetRules[] {
  const rules: RulesetRules[] = [];
  for (const site of props.sites) {
    const web = `http.host eq ${quoted(site.publicHost)}`;
    rules.push({
      ref: `${site.name}_next_static`,
      description: `${site.name}: /_next/static/* is content-hashed and immutable`,
      expression: all(web, pathStartsWith('/_next/static/')),
      action: 'set_cache_settings',
      actionParameters: {
        cache: true,
        edgeTtl: { mode: 'override_origin', default: IMMUTABLE_TTL_SECONDS },
        browserTtl: { mode: 'override_origin', default: IMMUTABLE_TTL_SECONDS },
      },
    });
    if (site.publicAssets.length > 0) {
      rules.push({
        ref: `${site.name}_public_assets`,
        description: `${site.name}: public assets of the web app (served at the site root)`,
        expression: all(web, pathPatterns(site.publicAssets)),
        action: 'set_cache_settings',
        actionParameters: {
          cache: true,
          edgeTtl: { mode: 'override_origin', default: site.publicAssetTtlSeconds },
          browserTtl: { mode: 'respect_origin' },
        },
      });
    }
    // Last, so it wins over any rule above that a path could also match.
    rules.push({
      ref: `${site.name}_api_bypass`,
      description: `${site.name}: never cache the api`,
      expression: all(hostIn([site.publicHost, site.apiHost]), pathStartsWith('/v1/')),
      action: 'set_cache_settings',
      actionParameters: { cache: false },
    });
  }
  return rules;
}

/** More cache rules than the plan holds in one entry-point ruleset (`plan` is the props path). */
export function cacheRuleCountProblems(props: Pick<CacheRulesProps, 'plan' | 'sites'>): Problem[] {
  return ruleCountProblems('cache rules', cacheRules(props).length, 'cacheRules', props.plan);
}

export class CacheRules extends Construct {
  readonly ruleset: Ruleset;

  constructor(scope: Construct, id: string, props: CacheRulesProps) {
    super(scope, id);
    throwIfProblems(this, [
      ...props.sites.flatMap((site, index) =>
        mapPaths(publicAssetTtlProblems({ plan: props.plan, publicAssetTtlSeconds: site.publicAssetTtlSeconds }), (path) => [
          'sites',
          index,
          ...path,
        ]),
      ),
      ...cacheRuleCountProblems(props),
    ]);
    this.ruleset = entryPointRuleset(this, 'ruleset', {
      zoneId: props.zoneId,
      phase: 'http_request_cache_settings',
      name: 'Cache rules',
      purpose: 'Static assets of the web app; never the api',
      rules: cacheRules(props),
    });
  }
}
