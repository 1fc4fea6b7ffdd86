import { Ruleset } from '@cdktf/provider-cloudflare/lib/ruleset';
import { describe, expect, it } from 'vitest';
import { OriginRules, type OriginRulesProps } from '../../../constructs/edge/origin-rules';
import { resourcesOf, rulesOf } from '../../helpers';
import { site, sites, synthOf, testStack } from './fixtures';

function originRules(props: Partial<OriginRulesProps> = {}) {
  const stack = testStack();
  const rules = new OriginRules(stack, 'origin-rules', { zoneId: 'zone-id', plan: 'pro', sites: [site()], ...props });
  return { rules, ...synthOf(stack) };
}

describe('OriginRules', () => {
  it("adds X-Origin-Verify to every request for each environment's hostnames, with that environment's value", () => {
    // GIVEN two environments of the zone
    const { json, parsed } = originRules({
      sites: [
        site(),
        site({ name: 'other', publicHost: 'o.example.com', apiHost: 'o-api.example.com', originVerifySecret: 'other-value' }),
      ],
    });
    // THEN
    expect(json).toHaveResourceWithProperties(Ruleset, {
      zone_id: 'zone-id',
      kind: 'zone',
      phase: 'http_request_late_transform',
      name: 'Origin verification header',
      description: 'Adds X-Origin-Verify for the origin (managed by the drop edge stack)',
    });
    expect(rulesOf(parsed, 'http_request_late_transform')).toEqual([
      {
        ref: 'test_origin_verify',
        description: 'test: prove to the origin that the request came through Cloudflare',
        expression: 'http.host in {"test.example.com" "test-api.example.com"}',
        action: 'rewrite',
        action_parameters: { headers: { 'X-Origin-Verify': { operation: 'set', value: 'not-a-secret-test-value' } } },
      },
      expect.objectContaining({
        ref: 'other_origin_verify',
        expression: 'http.host in {"o.example.com" "o-api.example.com"}',
        action_parameters: { headers: { 'X-Origin-Verify': { operation: 'set', value: 'other-value' } } },
      }),
    ]);
  });

  it('makes no origin rule below Enterprise, which cannot override the Host header or the resolved DNS record', () => {
    const { rules, parsed } = originRules({ plan: 'business' });
    expect(Object.values(resourcesOf(parsed, 'cloudflare_ruleset')).map((r: any) => r.phase)).toEqual(['http_request_late_transform']);
    expect(rules.apiRoute).toBeUndefined();
  });

  it('sends /v1/* of the public hostname to the api on Enterprise: Host header and resolved DNS record both the api hostname', () => {
    const { json, parsed } = originRules({ plan: 'enterprise' });
    expect(json).toHaveResourceWithProperties(Ruleset, {
      zone_id: 'zone-id',
      kind: 'zone',
      phase: 'http_request_origin',
      name: 'Api path routing',
    });
    expect(rulesOf(parsed, 'http_request_origin')).toEqual([
      {
        ref: 'test_api_path',
        description: 'test: /v1/* of test.example.com goes to test-api.example.com',
        expression: '(http.host eq "test.example.com") and (starts_with(http.request.uri.path, "/v1/"))',
        action: 'route',
        action_parameters: { host_header: 'test-api.example.com', origin: { host: 'test-api.example.com' } },
      },
    ]);
  });

  it('refuses more environments than the plan holds request header transform rules, naming the plan that holds them', () => {
    // GIVEN eleven environments on Free (10 rules)
    expect(() => originRules({ plan: 'free', sites: sites(11) })).toThrow(
      'test/origin-rules (1 problem):\n  - plan: 11 request header transform rules exceed the free plan\'s 10; they need the pro plan (found: "free")',
    );
  });
});
