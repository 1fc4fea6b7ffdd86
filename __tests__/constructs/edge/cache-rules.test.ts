import { Ruleset } from '@cdktf/provider-cloudflare/lib/ruleset';
import { describe, expect, it } from 'vitest';
import { CacheRules, type CacheRulesProps } from '../../../constructs/edge/cache-rules';
import { rulesOf } from '../../helpers';
import { site, sites, synthOf, testStack } from './fixtures';

function cacheRules(props: Partial<CacheRulesProps> = {}) {
  const stack = testStack();
  new CacheRules(stack, 'cache', { zoneId: 'zone-id', plan: 'pro', sites: [site()], ...props });
  return synthOf(stack);
}

const rulesWith = (props: Partial<CacheRulesProps> = {}): any[] => rulesOf(cacheRules(props).parsed, 'http_request_cache_settings');

describe('CacheRules', () => {
  it("is the zone's entry-point ruleset of the cache settings phase", () => {
    expect(cacheRules().json).toHaveResourceWithProperties(Ruleset, {
      zone_id: 'zone-id',
      kind: 'zone',
      phase: 'http_request_cache_settings',
      name: 'Cache rules',
      description: 'Static assets of the web app; never the api (managed by the drop edge stack)',
    });
  });

  it('caches /_next/static/* for a year and public assets at the site root for their TTL, and never /v1/*, last', () => {
    // GIVEN one environment with two public assets, one a prefix, cached for a day
    const rules = rulesWith();
    // THEN
    expect(rules).toEqual([
      {
        ref: 'test_next_static',
        description: 'test: /_next/static/* is content-hashed and immutable',
        expression: '(http.host eq "test.example.com") and (starts_with(http.request.uri.path, "/_next/static/"))',
        action: 'set_cache_settings',
        action_parameters: {
          cache: true,
          edge_ttl: { mode: 'override_origin', default: 31536000 },
          browser_ttl: { mode: 'override_origin', default: 31536000 },
        },
      },
      {
        ref: 'test_public_assets',
        description: 'test: public assets of the web app (served at the site root)',
        expression:
          '(http.host eq "test.example.com") and ((http.request.uri.path eq "/favicon.ico") or (starts_with(http.request.uri.path, "/images/")))',
        action: 'set_cache_settings',
        action_parameters: { cache: true, edge_ttl: { mode: 'override_origin', default: 86400 }, browser_ttl: { mode: 'respect_origin' } },
      },
      {
        // Last, so it wins over any rule above that a path could also match.
        ref: 'test_api_bypass',
        description: 'test: never cache the api',
        expression: '(http.host in {"test.example.com" "test-api.example.com"}) and (starts_with(http.request.uri.path, "/v1/"))',
        action: 'set_cache_settings',
        action_parameters: { cache: false },
      },
    ]);
    // Next.js serves public/ at the site root: no rule names the folder.
    expect(JSON.stringify(rules)).not.toContain('/public/');
  });

  it('has no public asset rule for an environment with no public assets', () => {
    expect(rulesWith({ sites: [site({ publicAssets: [] })] }).map((rule) => rule.ref)).toEqual(['test_next_static', 'test_api_bypass']);
  });

  it('scopes the rules of each environment of the zone to its own hostnames, one environment after the other', () => {
    const rules = rulesWith({ sites: sites(2) });
    expect(rules.map((rule) => rule.ref)).toEqual([
      'env0_next_static',
      'env0_public_assets',
      'env0_api_bypass',
      'env1_next_static',
      'env1_public_assets',
      'env1_api_bypass',
    ]);
    expect(rules[3].expression).toContain('(http.host eq "env1.example.com")');
  });
});

describe('CacheRules refusals', () => {
  it("refuses a public asset TTL below the plan's minimum edge cache TTL, naming the plan that allows it", () => {
    expect(() => cacheRules({ sites: [site({ publicAssetTtlSeconds: 1800 })] })).toThrow(
      "test/cache (1 problem):\n  - sites.0.publicAssetTtlSeconds: is below the pro plan's minimum edge cache TTL of 3600 seconds (1 h); 1800 s needs the business plan (found: 1800)",
    );
  });

  it('refuses more cache rules than the plan holds in one ruleset, naming the plan that holds them', () => {
    // GIVEN four environments of three rules each on Free (10)
    expect(() => cacheRules({ plan: 'free', sites: sites(4) })).toThrow(
      'test/cache (1 problem):\n  - plan: 12 cache rules exceed the free plan\'s 10; they need the pro plan (found: "free")',
    );
  });
});
