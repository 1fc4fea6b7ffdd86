import { BotManagement } from '@cdktf/provider-cloudflare/lib/bot-management';
import { Ruleset } from '@cdktf/provider-cloudflare/lib/ruleset';
import { describe, expect, it } from 'vitest';
import { FirewallRules, type FirewallRulesProps } from '../../../constructs/edge/firewall-rules';
import { resourcesOf, rulesOf, warningsOf } from '../../helpers';
import { matches, site, sites, synthOf, testStack } from './fixtures';

const staging = site({
  name: 'staging',
  publicHost: 'staging.getdrop.no',
  apiHost: 'staging-api.getdrop.no',
  allowedCountries: ['NO', 'SE', 'IE'],
});

function firewall(props: Partial<FirewallRulesProps> = {}) {
  const stack = testStack();
  const construct = new FirewallRules(stack, 'fw', {
    zoneId: 'zone-id',
    plan: 'pro',
    botManagement: false,
    robotsTxtManaged: false,
    sites: [staging],
    ...props,
  });
  const { json, parsed } = synthOf(stack);
  return { json, parsed, rules: rulesOf(parsed, 'http_request_firewall_custom'), warnings: warningsOf(construct) };
}

const HOSTS = '(http.host in {"staging.getdrop.no" "staging-api.getdrop.no"})';

describe('FirewallRules on Pro (Super Bot Fight Mode, no region field)', () => {
  const { json, parsed, rules, warnings } = firewall();

  it("is the zone's entry-point ruleset of the custom rules phase", () => {
    expect(json).toHaveResourceWithProperties(Ruleset, {
      zone_id: 'zone-id',
      kind: 'zone',
      phase: 'http_request_firewall_custom',
      name: 'Custom rules',
      description: 'Sanctions, country allow lists and bot challenge per environment (managed by the drop edge stack)',
    });
  });

  it("blocks the sanctioned countries on the environment's hostnames, first", () => {
    expect(rules[0]).toEqual({
      ref: 'staging_sanctions',
      description: 'staging: block sanctioned countries (OFAC/UN)',
      expression: `${HOSTS} and (ip.src.country in {"CU" "IR" "KP"})`,
      action: 'block',
    });
  });

  it('then blocks every country not served, its health paths public worldwide', () => {
    expect(rules[1]).toEqual({
      ref: 'staging_country_allow_list',
      description: 'staging: only NO, SE, IE; verified partners/monitors and health paths excepted',
      expression: `${HOSTS} and (not ip.src.country in {"NO" "SE" "IE"}) and (not http.request.uri.path in {"/api/health" "/v1/health"})`,
      action: 'block',
    });
  });

  it('adds verified partners and monitors to the allow list exceptions, never to the sanctions', () => {
    const { rules } = firewall({ sites: [{ ...staging, exceptionIpRanges: ['192.0.2.0/24'], exceptionAsns: [64500] }] });
    expect(rules[1].expression).toContain('and (not ip.src in {192.0.2.0/24}) and (not ip.src.asnum in {64500})');
    expect(rules[0].expression).not.toContain('192.0.2.0/24');
    expect(rules[0].expression).not.toContain('64500');
  });

  it('cannot match the sanctioned regions (the field needs Business), keeps the country rule, and says so', () => {
    expect(JSON.stringify(rules)).not.toContain('subdivision');
    expect(warnings).toContainEqual(
      'staging: sanctioned regions UA-43, UA-40 are not matched: ip.src.subdivision_1_iso_code needs the business plan (this zone: pro). ' +
        'Only the country allow list keeps them out (their countries are not allowed); allow-list exceptions and health paths are not region-checked.',
    );
  });

  it('skips Super Bot Fight Mode, Browser Integrity Check and Security Level for the api, and nothing else', () => {
    expect(rules[2]).toEqual({
      ref: 'staging_api_no_challenge',
      description:
        'staging: nothing challenges the api (staging-api.getdrop.no, /v1/*) or health paths: ' +
        'Super Bot Fight Mode, Browser Integrity Check and Security Level are skipped; rate limits still apply',
      expression: expect.any(String),
      action: 'skip',
      action_parameters: { phases: ['http_request_sbfm'], products: ['bic', 'securityLevel'] },
    });
  });

  it.each([
    ['staging-api.getdrop.no', '/v1/transactions', true],
    ['staging-api.getdrop.no', '/anything', true],
    ['staging.getdrop.no', '/v1', true],
    ['staging.getdrop.no', '/v1/auth/callback', true],
    ['staging.getdrop.no', '/v1/health', true],
    ['staging.getdrop.no', '/api/health', true],
    ['staging.getdrop.no', '/', false],
    ['staging.getdrop.no', '/v1x', false],
    ['staging.getdrop.no', '/api/other', false],
    ['staging.getdrop.no', '/_next/static/app.js', false],
    ['getdrop.no', '/v1/health', false],
    ['other.getdrop.no', '/v1/health', false],
  ])('the skip rule matches %s%s: %s', (host, requestPath, expected) => {
    expect(matches(rules[2].expression, { host, path: requestPath })).toBe(expected);
  });

  it('skips after every block rule, so sanctions and the country allow list run first', () => {
    // GIVEN two environments
    const { rules } = firewall({ sites: sites(2) });
    // THEN each environment's sanctions come before its allow list, and every skip after every block
    expect(rules.map((rule) => rule.ref)).toEqual([
      'env0_sanctions',
      'env0_country_allow_list',
      'env1_sanctions',
      'env1_country_allow_list',
      'env0_api_no_challenge',
      'env1_api_no_challenge',
    ]);
  });

  it('uses Super Bot Fight Mode for definitely automated traffic, verified bots allowed, and says the bot score is not used', () => {
    expect(rules.map((rule) => rule.expression).join()).not.toContain('cf.bot_management.score');
    expect(warnings).toContainEqual(
      'Bot score below 30 is not challenged: cf.bot_management.score needs the enterprise plan with the Bot Management add-on ' +
        '(this zone: pro, no Bot Management). Using the nearest equivalent: Super Bot Fight Mode (definitely automated traffic challenged).',
    );
  });

  it('sends only the bot management settings it decides: AI bots, crawler protection and the rest stay as the dashboard has them', () => {
    const [bots] = Object.values(resourcesOf(parsed, 'cloudflare_bot_management'));
    expect(bots).toEqual({
      zone_id: 'zone-id',
      is_robots_txt_managed: false,
      enable_js: true,
      sbfm_definitely_automated: 'managed_challenge',
      sbfm_verified_bots: 'allow',
    });
  });

  it('sends robotsTxtManaged as it is given (the provider would send its default, false, on every apply)', () => {
    expect(firewall({ robotsTxtManaged: true }).json).toHaveResourceWithProperties(BotManagement, { is_robots_txt_managed: true });
  });
});

describe('FirewallRules on the other plans', () => {
  it('blocks the sanctioned regions with the countries on Business, and challenges "likely automated" too', () => {
    const { json, rules, warnings } = firewall({ plan: 'business' });
    expect(rules[0]).toMatchObject({
      description: 'staging: block sanctioned countries (OFAC/UN) and regions (EU)',
      expression: `${HOSTS} and ((ip.src.country in {"CU" "IR" "KP"}) or (ip.src.subdivision_1_iso_code in {"UA-43" "UA-40"}))`,
    });
    expect(json).toHaveResourceWithProperties(BotManagement, { sbfm_likely_automated: 'managed_challenge' });
    expect(warnings).toEqual([expect.stringContaining('Bot score below 30 is not challenged')]);
  });

  it('uses Bot Fight Mode on Free, and emits no skip rule: Bot Fight Mode cannot be skipped', () => {
    const { json, rules, warnings } = firewall({ plan: 'free' });
    expect(rules.map((rule) => rule.action)).toEqual(['block', 'block']);
    expect(json).toHaveResourceWithProperties(BotManagement, { fight_mode: true, enable_js: true });
    expect(warnings).toContainEqual(expect.stringContaining('Using the nearest equivalent: Bot Fight Mode.'));
  });

  it('still uses Super Bot Fight Mode on Enterprise without the Bot Management add-on, and says so', () => {
    const { rules, warnings } = firewall({ plan: 'enterprise' });
    expect(rules.find((rule) => rule.action === 'skip').action_parameters.phases).toEqual(['http_request_sbfm']);
    expect(warnings).toEqual([expect.stringContaining('(this zone: enterprise, no Bot Management)')]);
  });

  describe('Enterprise with Bot Management', () => {
    const { json, rules, warnings } = firewall({
      plan: 'enterprise',
      botManagement: true,
      sites: [{ ...staging, name: 'production', publicHost: 'getdrop.no', apiHost: 'api.getdrop.no' }],
    });

    it('challenges a bot score below the threshold, verified bots and the api and health paths excepted, before the skip', () => {
      expect(rules.map((rule) => rule.ref)).toEqual([
        'production_sanctions',
        'production_country_allow_list',
        'bot_score_challenge',
        'production_api_no_challenge',
      ]);
      expect(rules[2]).toEqual({
        ref: 'bot_score_challenge',
        description: 'Challenge bot score below 30 (verified bots excepted; never the api or health paths)',
        expression:
          '(http.host in {"getdrop.no" "api.getdrop.no"}) and (cf.bot_management.score lt 30) and (not cf.bot_management.verified_bot) and ' +
          '(not ((http.host eq "api.getdrop.no") or ((http.host eq "getdrop.no") and (((http.request.uri.path eq "/v1") or ' +
          '(starts_with(http.request.uri.path, "/v1/"))) or (http.request.uri.path in {"/api/health" "/v1/health"})))))',
        action: 'managed_challenge',
      });
    });

    it("keeps the api out of the challenge by the skip rule's own expression, and skips only the products (no SBFM to skip)", () => {
      const skip = rules.find((rule) => rule.action === 'skip');
      expect(skip.action_parameters).toEqual({ products: ['bic', 'securityLevel'] });
      expect(rules[2].expression).toContain(`(not (${skip.expression}))`);
    });

    it("uses the bot score's own model, not Super Bot Fight Mode, with no warning", () => {
      expect(json).toHaveResourceWithProperties(BotManagement, { enable_js: true, auto_update_model: true, suppress_session_score: false });
      expect(json).not.toHaveResourceWithProperties(BotManagement, { sbfm_definitely_automated: 'managed_challenge' });
      expect(warnings).toEqual([]);
    });

    it('challenges below the threshold it is given', () => {
      const { rules } = firewall({ plan: 'enterprise', botManagement: true, botScoreThreshold: 10 });
      expect(rules.find((rule) => rule.ref === 'bot_score_challenge').expression).toContain('(cf.bot_management.score lt 10)');
    });
  });
});

describe('FirewallRules refusals', () => {
  it('refuses more custom rules than the plan holds in one ruleset, naming the plan that holds them', () => {
    // GIVEN seven environments of three rules each on Pro (20)
    expect(() => firewall({ sites: sites(7) })).toThrow(
      'test/fw (1 problem):\n  - plan: 21 custom rules exceed the pro plan\'s 20; they need the business plan (found: "pro")',
    );
  });
});
