import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ISO_COUNTRY_CODES } from '../../../config/countries';
import { CLOUDFLARE_PLANS, PLAN_LIMITS, atLeast } from '../../../constructs/edge/cloudflare';
import { all, hostIn, pathPatterns } from '../../../constructs/edge/expressions';
import { CacheRules } from '../../../constructs/edge/cache-rules';
import { ManagedWaf } from '../../../constructs/edge/managed-waf';
import { OriginHealth } from '../../../constructs/edge/origin-health';
import { ruleCountProblems } from '../../../constructs/edge/plan';
import { RateLimits } from '../../../constructs/edge/rate-limits';

const stack = () => new TerraformStack(Testing.app(), 'test');
const limit = {
  paths: ['/v1/auth/'],
  action: 'managed_challenge' as const,
  requestsPerPeriod: 20,
  periodSeconds: 10,
  mitigationTimeoutSeconds: 0,
};

describe('Cloudflare plan facts', () => {
  it('orders the plans free < pro < business < enterprise', () => {
    expect(CLOUDFLARE_PLANS).toEqual(['free', 'pro', 'business', 'enterprise']);
    expect(atLeast('pro', 'business')).toBe(true);
    expect(atLeast('enterprise', 'business')).toBe(false);
  });

  it('allows only Enterprise to override the Host header and resolved DNS record of an origin', () => {
    expect(CLOUDFLARE_PLANS.filter((plan) => PLAN_LIMITS[plan].originHostOverride)).toEqual(['enterprise']);
  });

  it('offers a 10 s rate limit period on every plan', () => {
    for (const plan of CLOUDFLARE_PLANS) expect(PLAN_LIMITS[plan].rateLimitPeriods).toContain(10);
  });

  it('knows the 249 ISO 3166-1 alpha-2 codes', () => {
    expect(ISO_COUNTRY_CODES.size).toBe(249);
    expect(ISO_COUNTRY_CODES.has('NO')).toBe(true);
  });
});

describe('the edge constructs on a plan that cannot run them', () => {
  it('refuses two rate limits on Free, naming Pro', () => {
    expect(
      () =>
        new RateLimits(stack(), 'rl', {
          zoneId: 'z',
          plan: 'free',
          limits: { auth: limit, transactions: { ...limit, paths: ['/v1/transactions/'] } },
        }),
    ).toThrow(
      'test/rl (1 problem):\n  - plan: allows 1 rate limiting rule(s); the 2 rate limits (auth: /v1/auth/*; transactions: /v1/transactions/*) need the pro plan or higher (found: "free")',
    );
  });

  it('refuses a challenge with a mitigation timeout below Enterprise', () => {
    expect(
      () => new RateLimits(stack(), 'rl', { zoneId: 'z', plan: 'business', limits: { auth: { ...limit, mitigationTimeoutSeconds: 60 } } }),
    ).toThrow(
      'test/rl (1 problem):\n  - limits.auth.mitigationTimeoutSeconds: must be 0 on the business plan: a challenge action has no mitigation timeout below Enterprise (found: 60)',
    );
  });

  it('refuses the managed rulesets on Free, naming Pro', () => {
    expect(() => new ManagedWaf(stack(), 'waf', { zoneId: 'z', plan: 'free', paranoiaLevel: 1, scoreThreshold: 40 })).toThrow(
      'the WAF needs the pro plan or higher',
    );
  });

  it('refuses health checks on Free, naming Pro', () => {
    expect(
      () => new OriginHealth(stack(), 'h', { zoneId: 'z', plan: 'free', targets: {}, intervalSeconds: 60, timeoutSeconds: 10, retries: 2 }),
    ).toThrow('they need the pro plan or higher');
  });

  it("refuses a public asset TTL below the plan's minimum edge cache TTL, naming the plan that allows it", () => {
    const site = {
      name: 'staging',
      publicHost: 'staging.getdrop.no',
      apiHost: 'staging-api.getdrop.no',
      allowedCountries: ['NO'],
      sanctionedCountries: [],
      sanctionedRegions: [],
      exceptionIpRanges: [],
      exceptionAsns: [],
      healthPaths: [],
      publicAssets: ['/favicon.ico'],
      publicAssetTtlSeconds: 1800,
      originVerifySecret: 's',
    };
    expect(() => new CacheRules(stack(), 'cache', { zoneId: 'z', plan: 'pro', sites: [site] })).toThrow(
      "test/cache (1 problem):\n  - sites.0.publicAssetTtlSeconds: is below the pro plan's minimum edge cache TTL of 3600 seconds (1 h); 1800 s needs the business plan (found: 1800)",
    );
  });

  it('refuses more custom rules than the plan holds, naming the plan that holds them', () => {
    expect(ruleCountProblems('custom rules', 21, 'customRules', 'pro')).toEqual([
      { path: ['plan'], input: 'pro', message: "21 custom rules exceed the pro plan's 20; they need the business plan" },
    ]);
  });
});

describe('rule expressions', () => {
  it('quotes hostnames and joins terms with and', () => {
    expect(all(hostIn(['a.example']), hostIn(['a.example', 'b.example']))).toBe(
      '(http.host eq "a.example") and (http.host in {"a.example" "b.example"})',
    );
  });

  it('treats a trailing "/" as a prefix and anything else as an exact path', () => {
    expect(pathPatterns(['/favicon.ico', '/images/'])).toBe(
      '(http.request.uri.path eq "/favicon.ico") or (starts_with(http.request.uri.path, "/images/"))',
    );
  });
});
