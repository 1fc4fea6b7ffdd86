/**
 * The custom rules phase (http_request_firewall_custom), per environment by hostname: sanctioned
 * countries and regions blocked, only the served countries allowed (verified partners and
 * monitors excepted, health paths public), clients with a bot score below the threshold
 * challenged, and nothing that challenges for the api.
 *
 * The bot score (`cf.bot_management.score`) needs Enterprise with the Bot Management add-on. Below
 * it, the nearest equivalent is Super Bot Fight Mode (Pro and Business) or Bot Fight Mode (Free),
 * set on the zone's bot management settings, with a synth warning. SBFM, Browser Integrity Check
 * and Security Level challenge zone-wide, API clients and the pipeline's health checks included,
 * and a client that is not a browser cannot solve a challenge. So on Pro and above a skip rule per
 * environment exempts its api hostname, `/v1/*` and health paths from the SBFM phase
 * (`http_request_sbfm`) and from the products `bic` and `securityLevel`, and the bot score rule
 * leaves them out: rate limits (`http_ratelimit`), the managed rules and the block rules still run
 * for them. Bot Fight Mode (Free) cannot be skipped.
 *
 * Every bot management setting the stack sends is set here, from the plan and the configuration
 * (`robotsTxtManaged`); the others are left to the dashboard (the provider sends only the
 * attributes a configuration sets, except `is_robots_txt_managed`, whose schema default `false`
 * it sends on every apply: cloudflare/cloudflare v5.14 internal/services/bot_management/schema.go
 * and model.go `ToAPIModel`).
 * Zone-wide: only the zone owner's edge stack creates it.
 */
import { BotManagement } from '@cdktf/provider-cloudflare/lib/bot-management';
import type { Ruleset, RulesetRules } from '@cdktf/provider-cloudflare/lib/ruleset';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { type CloudflarePlan, PLAN_LIMITS, atLeast } from './cloudflare';
import { all, any, hostIn, pathIn, pathUnder, stringSet } from './expressions';
import { ruleCountProblems } from './plan';
import { type Problem, throwIfProblems } from '../validation';
import { type EdgeSite, siteHosts } from './site';
import { entryPointRuleset } from './ruleset';

export interface FirewallRulesProps {
  readonly zoneId: string;
  readonly plan: CloudflarePlan;
  /** The zone has the Bot Management add-on (Enterprise only). */
  readonly botManagement: boolean;
  /** Every environment of the zone. */
  readonly sites: readonly EdgeSite[];
  /**
   * Bot scores below this are challenged (1 = surely a bot, 99 = surely human).
   * @default 30
   */
  readonly botScoreThreshold?: number;
  /**
   * Cloudflare prepends its managed robots.txt to the origin's (`is_robots_txt_managed`). Always
   * sent: the provider would otherwise send its default, false, on every apply.
   */
  readonly robotsTxtManaged: boolean;
}

/** What the custom rules depend on. */
type CustomRulesProps = Pick<FirewallRulesProps, 'plan' | 'botManagement' | 'sites' | 'botScoreThreshold'>;

/** The bot score (Enterprise with the Bot Management add-on) is used, rather than Super Bot Fight Mode. */
function usesBotScore(props: Pick<FirewallRulesProps, 'plan' | 'botManagement'>): boolean {
  return props.plan === 'enterprise' && props.botManagement;
}

/** The rules of the zone's custom rules phase, in order. Pure: the construct and the zone check both count them. */
export function customRules(props: CustomRulesProps): RulesetRules[] {
  const threshold = props.botScoreThreshold ?? 30;
  const rules: RulesetRules[] = [];

  const regionsMatched = PLAN_LIMITS[props.plan].subdivisionField;
  for (const site of props.sites) {
    const hosts = hostIn(siteHosts(site));
    const regions = regionsMatched ? site.sanctionedRegions : [];
    rules.push({
      ref: `${site.name}_sanctions`,
      description: `${site.name}: block sanctioned countries (OFAC/UN)` + (regions.length > 0 ? ' and regions (EU)' : ''),
      expression: all(
        hosts,
        any(
          `ip.src.country in ${stringSet(site.sanctionedCountries)}`,
          ...(regions.length > 0 ? [`ip.src.subdivision_1_iso_code in ${stringSet(regions)}`] : []),
        ),
      ),
      action: 'block',
    });
    const exceptions = [
      ...(site.exceptionIpRanges.length > 0 ? [`not ip.src in {${site.exceptionIpRanges.join(' ')}}`] : []),
      ...(site.exceptionAsns.length > 0 ? [`not ip.src.asnum in {${site.exceptionAsns.join(' ')}}`] : []),
    ];
    rules.push({
      ref: `${site.name}_country_allow_list`,
      description: `${site.name}: only ${site.allowedCountries.join(', ')}; verified partners/monitors and health paths excepted`,
      expression: all(hosts, `not ip.src.country in ${stringSet(site.allowedCountries)}`, `not ${pathIn(site.healthPaths)}`, ...exceptions),
      action: 'block',
    });
  }

  const botScore = usesBotScore(props);
  if (botScore) {
    rules.push({
      ref: 'bot_score_challenge',
      description: `Challenge bot score below ${threshold} (verified bots excepted; never the api or health paths)`,
      expression: all(
        hostIn(props.sites.flatMap(siteHosts)),
        `cf.bot_management.score lt ${threshold}`,
        'not cf.bot_management.verified_bot',
        ...props.sites.map((site) => `not (${apiExemption(site)})`),
      ),
      action: 'managed_challenge',
    });
  }
  // API clients and health checks cannot solve a challenge. Last, after every block: a skip skips
  // only what it names, and nothing can come before the sanctions and the allow list.
  if (atLeast('pro', props.plan)) {
    for (const site of props.sites) {
      rules.push({
        ref: `${site.name}_api_no_challenge`,
        description:
          `${site.name}: nothing challenges the api (${site.apiHost}, /v1/*) or health paths: ` +
          `${botScore ? '' : 'Super Bot Fight Mode, '}Browser Integrity Check and Security Level are skipped; rate limits still apply`,
        expression: apiExemption(site),
        action: 'skip',
        actionParameters: {
          // Super Bot Fight Mode runs in the http_request_sbfm phase (Pro and above without the bot score).
          ...(botScore ? {} : { phases: ['http_request_sbfm'] }),
          // Skipping phases does not skip these (developers.cloudflare.com/waf/custom-rules/skip/options/):
          // Browser Integrity Check and Security Level answer with a challenge page.
          products: [...API_SKIPPED_PRODUCTS],
        },
      });
    }
  }
  return rules;
}

/** More custom rules than the plan holds in one entry-point ruleset (`plan` is the props path). */
export function customRuleCountProblems(props: CustomRulesProps): Problem[] {
  return ruleCountProblems('custom rules', customRules(props).length, 'customRules', props.plan);
}

export class FirewallRules extends Construct {
  readonly ruleset: Ruleset;
  readonly botManagement: BotManagement;

  constructor(scope: Construct, id: string, props: FirewallRulesProps) {
    super(scope, id);
    const threshold = props.botScoreThreshold ?? 30;
    throwIfProblems(this, customRuleCountProblems(props));
    if (!PLAN_LIMITS[props.plan].subdivisionField) {
      for (const site of props.sites.filter((s) => s.sanctionedRegions.length > 0)) {
        Annotations.of(this).addWarning(
          `${site.name}: sanctioned regions ${site.sanctionedRegions.join(', ')} are not matched: ip.src.subdivision_1_iso_code needs the business plan ` +
            `(this zone: ${props.plan}). Only the country allow list keeps them out (their countries are not allowed); allow-list exceptions and health paths are not region-checked.`,
        );
      }
    }

    this.ruleset = entryPointRuleset(this, 'ruleset', {
      zoneId: props.zoneId,
      phase: 'http_request_firewall_custom',
      name: 'Custom rules',
      purpose: 'Sanctions, country allow lists and bot challenge per environment',
      rules: customRules(props),
    });

    const botScore = usesBotScore(props);
    this.botManagement = new BotManagement(this, 'bots', {
      zoneId: props.zoneId,
      isRobotsTxtManaged: props.robotsTxtManaged,
      ...botSettings(props.plan, botScore),
    });
    if (!botScore) {
      const nearest = atLeast('pro', props.plan) ? 'Super Bot Fight Mode (definitely automated traffic challenged)' : 'Bot Fight Mode';
      Annotations.of(this).addWarning(
        `Bot score below ${threshold} is not challenged: cf.bot_management.score needs the enterprise plan with the Bot Management add-on ` +
          `(this zone: ${props.plan}${props.botManagement ? ' with Bot Management' : ', no Bot Management'}). Using the nearest equivalent: ${nearest}.`,
      );
    }
  }
}

/**
 * The legacy security products a skip rule skips for the api (`action_parameters.products`): the
 * ones that challenge. `bic` is Browser Integrity Check, `securityLevel` the IP reputation
 * challenge. Both run outside the Ruleset Engine, so a skipped phase does not skip them
 * (developers.cloudflare.com/waf/custom-rules/skip/options/, "Skip phases" note and "Skip
 * products"); a rule may skip phases and products together ("you can use several skip options in
 * the same rule", .../skip/api-examples/).
 */
export const API_SKIPPED_PRODUCTS = ['bic', 'securityLevel'] as const;

/** What an environment exempts from challenges: its api hostname, /v1/* of its public hostname, its health paths. */
function apiExemption(site: Pick<EdgeSite, 'publicHost' | 'apiHost' | 'healthPaths'>): string {
  return any(hostIn([site.apiHost]), all(hostIn([site.publicHost]), any(pathUnder('/v1/'), pathIn(site.healthPaths))));
}

/** Bot management settings per plan: the score's own model on Enterprise + BM, else SBFM / BFM. */
function botSettings(plan: CloudflarePlan, botScore: boolean) {
  if (botScore) return { enableJs: true, autoUpdateModel: true, suppressSessionScore: false };
  if (plan === 'free') return { fightMode: true, enableJs: true };
  return {
    sbfmDefinitelyAutomated: 'managed_challenge',
    sbfmVerifiedBots: 'allow',
    enableJs: true,
    // "Likely automated" is a Business (and Enterprise) setting.
    ...(atLeast('business', plan) ? { sbfmLikelyAutomated: 'managed_challenge' } : {}),
  };
}
