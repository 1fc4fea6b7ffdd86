/**
 * How requests reach the origin, per environment by hostname:
 * - a request header transform (http_request_late_transform) that adds the secret
 *   X-Origin-Verify header to every request for the environment's hostnames, so the services can
 *   refuse requests that did not come through the edge;
 * - on Enterprise, an origin rule (http_request_origin) that sends `/v1/*` of the public hostname
 *   to the api: it overrides the resolved DNS record and the Host header (and with it the SNI)
 *   to the api hostname. Host header and DNS record overrides are Enterprise-only; below it,
 *   `ApiPathWorker` does the same job in each environment's own stack.
 * Zone-wide: only the zone owner's edge stack creates these.
 */
import type { Ruleset, RulesetRules } from '@cdktf/provider-cloudflare/lib/ruleset';
import { Construct } from 'constructs';
import type { CloudflarePlan } from './cloudflare';
import { all, hostIn, pathStartsWith, quoted } from './expressions';
import { ruleCountProblems, limitsOf } from './plan';
import { type Problem, throwIfProblems } from '../validation';
import { type EdgeSite, ORIGIN_VERIFY_HEADER, siteHosts } from './site';
import { entryPointRuleset } from './ruleset';

export interface OriginRulesProps {
  readonly zoneId: string;
  readonly plan: CloudflarePlan;
  readonly sites: readonly EdgeSite[];
}

/** More request header transform rules (one per environment) than the plan holds (`plan` is the props path). */
export function transformRuleCountProblems(props: Pick<OriginRulesProps, 'plan' | 'sites'>): Problem[] {
  return ruleCountProblems('request header transform rules', props.sites.length, 'transformRules', props.plan);
}

export class OriginRules extends Construct {
  readonly verifyHeader: Ruleset;
  /** The `/v1/*` origin rule ruleset; only on plans with Host header and DNS record overrides. */
  readonly apiRoute?: Ruleset;

  constructor(scope: Construct, id: string, props: OriginRulesProps) {
    super(scope, id);
    throwIfProblems(this, transformRuleCountProblems(props));
    this.verifyHeader = entryPointRuleset(this, 'verify-header', {
      zoneId: props.zoneId,
      phase: 'http_request_late_transform',
      name: 'Origin verification header',
      purpose: `Adds ${ORIGIN_VERIFY_HEADER} for the origin`,
      rules: props.sites.map((site): RulesetRules => ({
        ref: `${site.name}_origin_verify`,
        description: `${site.name}: prove to the origin that the request came through Cloudflare`,
        expression: hostIn(siteHosts(site)),
        action: 'rewrite',
        actionParameters: { headers: { [ORIGIN_VERIFY_HEADER]: { operation: 'set', value: site.originVerifySecret } } },
      })),
    });

    if (limitsOf(props.plan).originHostOverride) {
      this.apiRoute = entryPointRuleset(this, 'api-route', {
        zoneId: props.zoneId,
        phase: 'http_request_origin',
        name: 'Api path routing',
        purpose: '/v1/* of the public hostname reaches the api',
        rules: props.sites.map((site): RulesetRules => ({
          ref: `${site.name}_api_path`,
          description: `${site.name}: /v1/* of ${site.publicHost} goes to ${site.apiHost}`,
          expression: all(`http.host eq ${quoted(site.publicHost)}`, pathStartsWith('/v1/')),
          action: 'route',
          actionParameters: { hostHeader: site.apiHost, origin: { host: site.apiHost } },
        })),
      });
    }
  }
}
