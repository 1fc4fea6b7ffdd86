import { describe, expect, it } from 'vitest';
import { ISO_COUNTRY_CODES } from '../../../config/countries';
import { CLOUDFLARE_PLANS, PLAN_LIMITS, atLeast } from '../../../constructs/edge/cloudflare';
import { all, hostIn, pathPatterns } from '../../../constructs/edge/expressions';
import { ruleCountProblems } from '../../../constructs/edge/plan';

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

describe('rule counts against the plan', () => {
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
