/**
 * Issue 16, edge hardening: Super Bot Fight Mode skipped for the api only, EU region sanctions,
 * imports of existing entry-point rulesets, and the plan table of docs/edge.md kept equal to
 * `constructs/edge/cloudflare.ts`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { CLOUDFLARE_PLANS, type CloudflarePlan, PLAN_LIMITS, rateLimitRulesOf } from '../../constructs/edge/cloudflare';
import { FirewallRules } from '../../constructs/edge/firewall-rules';
import { RateLimits } from '../../constructs/edge/rate-limits';
import type { EdgeSite } from '../../constructs/edge/site';
import { environment, resourcesOf, rulesOf, synthPlatform, testApp, warningsOf } from '../helpers';

/**
 * Evaluates the subset of the Cloudflare Rules language the edge constructs emit (`eq`, `in {…}`,
 * `starts_with()`, `not`, `and`, `or`, parentheses) against one request, so a test can say which
 * requests a rule matches rather than how its text reads.
 */
function matches(expression: string, request: { host: string; path: string }): boolean {
  const tokens = expression.match(/"(?:[^"\\]|\\.)*"|[(){},]|[A-Za-z_][A-Za-z0-9_.]*/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const token = tokens[i++];
    if (expected !== undefined && token !== expected) throw new Error(`expected ${expected}, found ${token} in ${expression}`);
    return token;
  };
  const field = (name: string) => {
    if (name === 'http.host') return request.host;
    if (name === 'http.request.uri.path') return request.path;
    throw new Error(`field ${name} is not modelled`);
  };
  const literal = () => JSON.parse(take()) as string;
  const primary = (): boolean => {
    if (peek() === 'not') return (take(), !primary());
    if (peek() === '(') {
      take('(');
      const value = or();
      take(')');
      return value;
    }
    if (peek() === 'starts_with') {
      take('starts_with');
      take('(');
      const value = field(take());
      take(',');
      const prefix = literal();
      take(')');
      return value.startsWith(prefix);
    }
    const value = field(take());
    const operator = take();
    if (operator === 'eq') return value === literal();
    if (operator === 'in') {
      take('{');
      const set: string[] = [];
      while (peek() !== '}') set.push(literal());
      take('}');
      return set.includes(value);
    }
    throw new Error(`operator ${operator} is not modelled`);
  };
  const and = (): boolean => {
    let value = primary();
    while (peek() === 'and') {
      take();
      value = primary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (peek() === 'or') {
      take();
      value = and() || value;
    }
    return value;
  };
  const result = or();
  if (i !== tokens.length) throw new Error(`trailing tokens in ${expression}`);
  return result;
}

describe('nothing challenges the api: Super Bot Fight Mode, Browser Integrity Check and Security Level skipped for the api, health paths and /v1/* only', () => {
  const parsed = synthPlatform('production').parsed('edge');
  const rules = rulesOf(parsed, 'http_request_firewall_custom');
  const skips = rules.filter((r) => r.action === 'skip');

  it('has one skip rule per environment of the zone, skipping the SBFM phase and the products that challenge, nothing else', () => {
    expect(skips.map((r) => r.ref)).toEqual(['production_api_no_challenge', 'staging_api_no_challenge']);
    for (const rule of skips) {
      expect(rule.action_parameters).toEqual({ phases: ['http_request_sbfm'], products: ['bic', 'securityLevel'] });
    }
  });

  it('comes after every block rule, so sanctions and the country allow list run first', () => {
    const lastBlock = rules.map((r) => r.action).lastIndexOf('block');
    expect(rules.findIndex((r) => r.action === 'skip')).toBeGreaterThan(lastBlock);
  });

  it('keeps the rate limits in force: their phase is not skipped and their rules are unchanged', () => {
    expect(JSON.stringify(skips)).not.toContain('http_ratelimit');
    expect(rulesOf(parsed, 'http_ratelimit').map((r) => r.action)).toEqual(['block', 'block']);
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
  ])('the staging skip rule matches %s%s: %s', (host, requestPath, expected) => {
    const rule = skips.find((r) => r.ref === 'staging_api_no_challenge');
    expect(matches(rule.expression, { host, path: requestPath })).toBe(expected);
  });

  it('on Enterprise with Bot Management (no SBFM) skips only the products, and keeps the api out of the bot score challenge', () => {
    const config = environment('production', { edge: { plan: 'enterprise', addons: { botManagement: true } } });
    const enterprise = rulesOf(synthPlatform(config, [config]).parsed('edge'), 'http_request_firewall_custom');
    const skip = enterprise.find((r) => r.action === 'skip');
    expect(skip.action_parameters).toEqual({ products: ['bic', 'securityLevel'] });
    const challenge = enterprise.find((r) => r.ref === 'bot_score_challenge');
    expect(challenge.expression).toContain(`(not (${skip.expression}))`);
  });

  it('is not emitted on Free: Bot Fight Mode cannot be skipped', () => {
    const stack = new TerraformStack(testApp(), 'test');
    const rules = new FirewallRules(stack, 'fw', {
      zoneId: 'z',
      plan: 'free',
      botManagement: false,
      robotsTxtManaged: false,
      sites: [site()],
    });
    const parsed = JSON.parse(Testing.synth(stack));
    expect(Object.values(resourcesOf(parsed, 'cloudflare_ruleset'))[0].rules.map((r: any) => r.action)).toEqual(['block', 'block']);
    expect(rules.ruleset).toBeDefined();
  });
});

function site(overrides: Partial<EdgeSite> = {}): EdgeSite {
  return {
    name: 'test',
    publicHost: 'test.example.com',
    apiHost: 'test-api.example.com',
    allowedCountries: ['NO'],
    sanctionedCountries: ['CU', 'IR', 'KP'],
    sanctionedRegions: ['UA-43', 'UA-40'],
    exceptionIpRanges: [],
    exceptionAsns: [],
    healthPaths: ['/v1/health'],
    publicAssets: [],
    publicAssetTtlSeconds: 86400,
    originVerifySecret: 'not-a-secret-test-value',
    ...overrides,
  };
}

describe('EU region sanctions', () => {
  it('blocks the regions on ip.src.subdivision_1_iso_code on Business, with the countries', () => {
    const config = environment('production', { edge: { plan: 'business' } });
    const rules = rulesOf(synthPlatform(config, [config]).parsed('edge'), 'http_request_firewall_custom');
    expect(rules[0]).toMatchObject({
      ref: 'production_sanctions',
      action: 'block',
      expression:
        '(http.host in {"getdrop.no" "api.getdrop.no"}) and ((ip.src.country in {"CU" "IR" "KP"}) or ' +
        '(ip.src.subdivision_1_iso_code in {"UA-43" "UA-40" "UA-14" "UA-09" "UA-23" "UA-65"}))',
    });
  });

  it('cannot match them on Pro (the field needs Business), keeps the country rule, and says so', () => {
    const synth = synthPlatform('production');
    const rules = rulesOf(synth.parsed('edge'), 'http_request_firewall_custom');
    expect(JSON.stringify(rules)).not.toContain('subdivision');
    expect(rules[0].expression).toBe('(http.host in {"getdrop.no" "api.getdrop.no"}) and (ip.src.country in {"CU" "IR" "KP"})');
    expect(warningsOf(synth.platform.edge)).toContainEqual(
      expect.stringContaining(
        'staging: sanctioned regions UA-43, UA-40, UA-14, UA-09, UA-23, UA-65 are not matched: ip.src.subdivision_1_iso_code needs the business plan (this zone: pro)',
      ),
    );
  });
});

/** The data source that reads an adopted ruleset's name, by the start of its Terraform name. */
function existingOf(parsed: any, prefix: string): any {
  const [found] = Object.entries(parsed.data.cloudflare_ruleset).filter(([name]) => name.startsWith(prefix));
  return found[1];
}

describe('existing entry-point rulesets are adopted, never replaced', () => {
  const id = '0123456789abcdef0123456789abcdef';
  const limitsId = 'fedcba9876543210fedcba9876543210';
  const config = environment('production', {
    edge: {
      existingRulesets: {
        http_request_firewall_custom: { id, name: 'default' },
        http_ratelimit: { id: limitsId, name: 'Rate limiting made in the dashboard' },
      },
    },
  });
  const parsed = synthPlatform(config).parsed('edge') as any;

  it("emits a Terraform import block with the provider's zones/<zone id>/<ruleset id> for each named phase", () => {
    expect(parsed.import).toEqual([
      {
        id: `zones/\${data.cloudflare_zone.zone.zone_id}/${limitsId}`,
        to: 'cloudflare_ruleset.rate-limits_ruleset_E4E730C9',
      },
      { id: `zones/\${data.cloudflare_zone.zone.zone_id}/${id}`, to: 'cloudflare_ruleset.firewall_ruleset_F6C3AEA9' },
    ]);
  });

  it('keeps the recorded name of each imported ruleset (name is RequiresReplace), so the plan after import updates it in place', () => {
    const rulesets = resourcesOf(parsed, 'cloudflare_ruleset');
    expect(rulesets['firewall_ruleset_F6C3AEA9'].name).toBe('default');
    expect(rulesets['rate-limits_ruleset_E4E730C9'].name).toBe('Rate limiting made in the dashboard');
    // The rulesets it creates keep the stack's own names.
    expect(Object.values(rulesets).map((r: any) => r.name)).toContain('Managed WAF');
  });

  it('stops the plan when Cloudflare reports another name than the recorded one, naming the path and both names', () => {
    const reported = existingOf(parsed, 'rate-limits_ruleset-existing');
    expect(reported).toMatchObject({ zone_id: '${data.cloudflare_zone.zone.zone_id}', id: limitsId });
    const [check] = reported.lifecycle.postcondition;
    expect(check.condition).toBe('${self.name == "Rate limiting made in the dashboard"}');
    expect(check.error_message).toContain(
      'edge.existingRulesets.http_ratelimit.name: Cloudflare reports the ruleset fedcba9876543210fedcba9876543210 as "${self.name}" (found: "Rate limiting made in the dashboard")',
    );
  });

  it('escapes a recorded name so Terraform reads it literally', () => {
    const odd = environment('production', { edge: { existingRulesets: { http_ratelimit: { id: limitsId, name: 'a "b" ${c}' } } } });
    const [check] = existingOf(synthPlatform(odd).parsed('edge'), 'rate-limits_ruleset-existing').lifecycle.postcondition;
    expect(check.condition).toBe('${self.name == "a \\"b\\" $${c}"}');
  });

  it('emits no import block by default', () => {
    expect((synthPlatform('production').parsed('edge') as any).import).toBeUndefined();
  });
});

describe('rate limiting rules on Enterprise', () => {
  const limit = { paths: ['/v1/x/'], action: 'block' as const, requestsPerPeriod: 10, periodSeconds: 60, mitigationTimeoutSeconds: 60 };
  const six = Object.fromEntries(Array.from({ length: 6 }, (_, n) => [`x${n}`, { ...limit, paths: [`/v1/x${n}/`] }]));

  it('holds 5 without the Advanced Rate Limiting add-on, and says which add-on holds more', () => {
    expect(() => new RateLimits(new TerraformStack(testApp(), 't'), 'rl', { zoneId: 'z', plan: 'enterprise', limits: six })).toThrow(
      't/rl (1 problem):\n  - plan: allows 5 rate limiting rule(s); the 6 rate limits (x0: /v1/x0/*; x1: /v1/x1/*; x2: /v1/x2/*; x3: /v1/x3/*; x4: /v1/x4/*; x5: /v1/x5/*) need the Advanced Rate Limiting add-on (advancedRateLimiting) (found: "enterprise")',
    );
  });

  it('holds 100 with the add-on', () => {
    const stack = new TerraformStack(testApp(), 't');
    new RateLimits(stack, 'rl', { zoneId: 'z', plan: 'enterprise', advancedRateLimiting: true, limits: six });
    expect(Object.values(resourcesOf(JSON.parse(Testing.synth(stack)), 'cloudflare_ruleset'))[0].rules).toHaveLength(6);
    expect(rateLimitRulesOf('enterprise', true)).toBe(100);
    expect(rateLimitRulesOf('pro', true)).toBe(2);
  });
});

describe('the plan table of docs/edge.md', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'edge.md'), 'utf8');

  /** The rows of the table under "## Plans and add-ons", keyed by their first cell. */
  function planTable(): Map<string, string[]> {
    const section = readme.slice(readme.indexOf('## Plans and add-ons'));
    const lines = section.split('\n').filter((line) => line.startsWith('|'));
    const header = lines[0]
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    expect(header).toEqual(['feature', ...CLOUDFLARE_PLANS]);
    const rows = new Map<string, string[]>();
    for (const line of lines.slice(2)) {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      rows.set(cells[0], cells.slice(1));
    }
    return rows;
  }

  const duration = (seconds: number) => (seconds >= 3600 ? `${seconds / 3600} h` : `${seconds} s`);
  const expected: Record<string, (plan: CloudflarePlan) => string> = {
    'rate limiting rules': (plan) =>
      plan === 'enterprise'
        ? `${rateLimitRulesOf(plan, false)}, ${rateLimitRulesOf(plan, true)} with Advanced Rate Limiting`
        : `${rateLimitRulesOf(plan, false)}`,
    'rate limit counting periods (s)': (plan) => PLAN_LIMITS[plan].rateLimitPeriods.join(', '),
    'rate limit mitigation timeouts of a block (s)': (plan) =>
      PLAN_LIMITS[plan].rateLimitTimeouts.join(', ') + (PLAN_LIMITS[plan].challengeNeedsZeroTimeout ? '' : '; 0 throttles'),
    'rate limit scoped to hostnames (`hosts`)': (plan) => (PLAN_LIMITS[plan].rateLimitHostField ? 'yes' : 'refused: needs pro'),
    'minimum edge cache TTL': (plan) => duration(PLAN_LIMITS[plan].edgeCacheTtlMinSeconds),
    'custom rules': (plan) => `${PLAN_LIMITS[plan].customRules}`,
    'cache rules': (plan) => `${PLAN_LIMITS[plan].cacheRules}`,
    'request header transform rules': (plan) => `${PLAN_LIMITS[plan].transformRules}`,
    'health checks (minimum interval)': (plan) =>
      PLAN_LIMITS[plan].healthChecks ? `${PLAN_LIMITS[plan].healthCheckMinIntervalSeconds} s` : 'refused: needs pro',
    'region match (`ip.src.subdivision_1_iso_code`)': (plan) => (PLAN_LIMITS[plan].subdivisionField ? 'yes' : 'no: synth warning'),
  };

  it.each(Object.keys(expected))('states "%s" per plan exactly as constructs/edge/cloudflare.ts does', (feature) => {
    const row = planTable().get(feature);
    expect(row, `docs/edge.md plan table row "${feature}"`).toBeDefined();
    expect(row).toEqual(CLOUDFLARE_PLANS.map(expected[feature]));
  });
});
