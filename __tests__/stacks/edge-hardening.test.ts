/**
 * Issue 16, edge hardening, as the edge stack wires it: Super Bot Fight Mode skipped for the api
 * of every environment of the zone, EU region sanctions, imports of existing entry-point rulesets,
 * and the plan table of docs/edge.md kept equal to `constructs/edge/cloudflare.ts`. What each
 * construct makes of its props is in __tests__/constructs/edge/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOUDFLARE_PLANS, type CloudflarePlan, PLAN_LIMITS, rateLimitRulesOf } from '../../constructs/edge/cloudflare';
import { environment, resourcesOf, rulesOf, synthPlatform, warningsOf } from '../helpers';

describe('nothing challenges the api of any environment of the zone, and the rate limits still apply', () => {
  const parsed = synthPlatform('production').parsed('edge');
  const skips = rulesOf(parsed, 'http_request_firewall_custom').filter((r) => r.action === 'skip');

  it('has one skip rule per environment of the zone', () => {
    expect(skips.map((r) => r.ref)).toEqual(['production_api_no_challenge', 'staging_api_no_challenge']);
  });

  it('keeps the rate limits in force: their phase is not skipped and their rules are unchanged', () => {
    expect(JSON.stringify(skips)).not.toContain('http_ratelimit');
    expect(rulesOf(parsed, 'http_ratelimit').map((r) => r.action)).toEqual(['block', 'block']);
  });
});

describe('EU region sanctions', () => {
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
