import { Ruleset } from '@cdktf/provider-cloudflare/lib/ruleset';
import { describe, expect, it } from 'vitest';
import { MANAGED_RULESETS, OWASP_ANOMALY_SCORE_RULE } from '../../../constructs/edge/cloudflare';
import { ManagedWaf, type ManagedWafProps } from '../../../constructs/edge/managed-waf';
import { rulesOf } from '../../helpers';
import { synthOf, testStack } from './fixtures';

function managedWaf(props: Partial<ManagedWafProps> = {}) {
  const stack = testStack();
  new ManagedWaf(stack, 'waf', { zoneId: 'zone-id', plan: 'pro', paranoiaLevel: 2, scoreThreshold: 40, ...props });
  return synthOf(stack);
}

describe('ManagedWaf', () => {
  it("is the zone's entry-point ruleset of the managed phase", () => {
    const { json } = managedWaf();
    expect(json).toHaveResourceWithProperties(Ruleset, {
      zone_id: 'zone-id',
      kind: 'zone',
      phase: 'http_request_firewall_managed',
      name: 'Managed WAF',
      description: 'Cloudflare Managed Ruleset and OWASP Core Ruleset (managed by the drop edge stack)',
    });
  });

  it('deploys the Cloudflare Managed Ruleset by its real id, on every request, first', () => {
    const [managed] = rulesOf(managedWaf().parsed, 'http_request_firewall_managed');
    expect(managed).toEqual({
      ref: 'cloudflare_managed',
      description: 'Cloudflare Managed Ruleset',
      expression: 'true',
      action: 'execute',
      action_parameters: { id: 'efb7b8c949ac4650a09736fc376e9aee' },
    });
    expect(MANAGED_RULESETS.cloudflareManaged).toBe('efb7b8c949ac4650a09736fc376e9aee');
  });

  it('deploys the OWASP Core Ruleset by its real id, with the rules above the paranoia level off and the score threshold on its last rule', () => {
    // GIVEN paranoia level 2, threshold 40 (medium)
    const [, owasp] = rulesOf(managedWaf().parsed, 'http_request_firewall_managed');
    // THEN
    expect(owasp).toEqual({
      ref: 'owasp_core',
      description: 'Cloudflare OWASP Core Ruleset: paranoia level 2, score threshold 40',
      expression: 'true',
      action: 'execute',
      action_parameters: {
        id: '4814384a9e5d4991b9815dcfc25d2f1f',
        overrides: {
          categories: [
            { category: 'paranoia-level-3', enabled: false },
            { category: 'paranoia-level-4', enabled: false },
          ],
          rules: [{ id: OWASP_ANOMALY_SCORE_RULE, action: 'block', score_threshold: 40 }],
        },
      },
    });
    expect(OWASP_ANOMALY_SCORE_RULE).toBe('6179ae15870a4bb7b2d480d4843b323c');
  });

  it('disables no category at paranoia level 4, and takes another action for the OWASP ruleset', () => {
    const [, owasp] = rulesOf(
      managedWaf({ paranoiaLevel: 4, scoreThreshold: 25, owaspAction: 'log' }).parsed,
      'http_request_firewall_managed',
    );
    expect(owasp.action_parameters.overrides).toEqual({ rules: [{ id: OWASP_ANOMALY_SCORE_RULE, action: 'log', score_threshold: 25 }] });
  });

  it('refuses the Free plan, which has neither ruleset, naming Pro', () => {
    expect(() => managedWaf({ plan: 'free' })).toThrow(
      'test/waf (1 problem):\n  - plan: has no Cloudflare Managed Ruleset or OWASP Core Ruleset; the WAF needs the pro plan or higher (found: "free")',
    );
  });
});
