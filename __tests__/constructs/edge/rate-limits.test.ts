import { Ruleset } from '@cdktf/provider-cloudflare/lib/ruleset';
import { describe, expect, it } from 'vitest';
import { rateLimitRulesOf } from '../../../constructs/edge/cloudflare';
import { type RateLimit, RateLimits, type RateLimitsProps, rateLimitedBody } from '../../../constructs/edge/rate-limits';
import { rulesOf } from '../../helpers';
import { sites, synthOf, testStack } from './fixtures';

/** The shipped auth limit: the API's and the web's sign-in routes, a JSON 429 above 20 requests per 10 s. */
const auth: RateLimit = {
  paths: ['/v1/auth/', '/api/auth/'],
  action: 'block',
  requestsPerPeriod: 20,
  periodSeconds: 10,
  mitigationTimeoutSeconds: 10,
};
const challenge: RateLimit = {
  paths: ['/api/auth/'],
  action: 'managed_challenge',
  requestsPerPeriod: 20,
  periodSeconds: 10,
  mitigationTimeoutSeconds: 0,
};

function rateLimits(props: Partial<RateLimitsProps> = {}) {
  const stack = testStack();
  new RateLimits(stack, 'rl', { zoneId: 'zone-id', plan: 'pro', limits: { auth }, ...props });
  return synthOf(stack);
}

const rulesWith = (props: Partial<RateLimitsProps> = {}): any[] => rulesOf(rateLimits(props).parsed, 'http_ratelimit');

describe('RateLimits', () => {
  it("is the zone's entry-point ruleset of the rate limiting phase", () => {
    expect(rateLimits().json).toHaveResourceWithProperties(Ruleset, {
      zone_id: 'zone-id',
      kind: 'zone',
      phase: 'http_ratelimit',
      name: 'Rate limits',
      description: 'API rate limits per client IP (managed by the drop edge stack)',
    });
  });

  it('counts each path and the collection it names, per data centre and client IP, and blocks above the rate', () => {
    // GIVEN the auth limit on two prefixes
    const [rule] = rulesWith();
    // THEN POST /v1/auth (no trailing slash) counts as well as everything below it
    expect(rule).toMatchObject({
      ref: 'ratelimit_v1_auth',
      description: '/v1/auth/*, /api/auth/*: block above 20 requests per 10 s per client IP',
      expression:
        '((http.request.uri.path eq "/v1/auth") or (starts_with(http.request.uri.path, "/v1/auth/"))) or ' +
        '((http.request.uri.path eq "/api/auth") or (starts_with(http.request.uri.path, "/api/auth/")))',
      action: 'block',
      ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 10, requests_per_period: 20, mitigation_timeout: 10 },
    });
  });

  it('answers a block with a JSON 429 whose body says when to retry: the mitigation timeout', () => {
    // API clients cannot solve a challenge: they get JSON (Cloudflare adds the Retry-After header itself).
    const [rule] = rulesWith();
    expect(rule.action_parameters.response).toMatchObject({ status_code: 429, content_type: 'application/json' });
    expect(JSON.parse(rule.action_parameters.response.content)).toEqual({
      error: 'rate_limited',
      message: 'Too many requests. Try again in 10 seconds.',
      retryAfterSeconds: 10,
    });
  });

  it('says to retry after the period when a block throttles (Enterprise, no mitigation timeout)', () => {
    const [rule] = rulesWith({ plan: 'enterprise', limits: { auth: { ...auth, periodSeconds: 60, mitigationTimeoutSeconds: 0 } } });
    expect(rule.action_parameters.response.content).toBe(rateLimitedBody(60));
  });

  it('sends the response a limit names instead', () => {
    const response = { statusCode: 403, contentType: 'text/plain' as const, content: 'slow down' };
    const [rule] = rulesWith({ limits: { auth: { ...auth, response } } });
    expect(rule.action_parameters).toEqual({ response: { status_code: 403, content_type: 'text/plain', content: 'slow down' } });
  });

  it('gives a challenge no response (Cloudflare shows its challenge page)', () => {
    const [rule] = rulesWith({ limits: { webAuth: challenge } });
    expect(rule).toMatchObject({ ref: 'ratelimit_api_auth', action: 'managed_challenge', ratelimit: { mitigation_timeout: 0 } });
    expect(rule.action_parameters).toBeUndefined();
  });

  it('makes one rule per limit, in the order of the limits', () => {
    const transactions = { ...auth, paths: ['/v1/transactions/'], requestsPerPeriod: 30 };
    const rules = rulesWith({ limits: { auth, transactions } });
    expect(rules.map((rule) => [rule.ref, rule.ratelimit.requests_per_period])).toEqual([
      ['ratelimit_v1_auth', 20],
      ['ratelimit_v1_transactions', 30],
    ]);
  });

  it("matches a limit with hosts on those hostnames of every environment of the zone, and one without on the whole zone's", () => {
    // GIVEN two environments, the web's sign-in routes challenged on their public hostnames
    const rules = rulesWith({ plan: 'business', limits: { auth, webAuth: { ...challenge, hosts: ['public'] } }, sites: sites(2) });
    // THEN
    expect(rules[0].expression).not.toContain('http.host');
    expect(rules[1].expression).toBe(
      '(http.host in {"env0.example.com" "env1.example.com"}) and ' +
        '((http.request.uri.path eq "/api/auth") or (starts_with(http.request.uri.path, "/api/auth/")))',
    );
  });

  it('gives two limits on the same first path refs of their own: Cloudflare wants a ref unique in its ruleset', () => {
    // GIVEN the web's sign-in routes challenged on the public hostnames and blocked on the api's
    const rules = rulesWith({
      plan: 'business',
      limits: { auth, webAuth: { ...challenge, hosts: ['public'] }, apiAuth: { ...auth, paths: ['/api/auth/'], hosts: ['api'] } },
      sites: sites(1),
    });
    // THEN every ref differs, and a limit whose first path is its own keeps the ref of its path
    expect(rules.map((rule) => rule.ref)).toEqual(['ratelimit_v1_auth', 'ratelimit_api_auth_webAuth', 'ratelimit_api_auth_apiAuth']);
  });

  it('holds 100 rules on Enterprise with the Advanced Rate Limiting add-on', () => {
    const six = Object.fromEntries(Array.from({ length: 6 }, (_, n) => [`x${n}`, { ...auth, paths: [`/v1/x${n}/`] }]));
    expect(rulesWith({ plan: 'enterprise', advancedRateLimiting: true, limits: six })).toHaveLength(6);
    expect(rateLimitRulesOf('enterprise', true)).toBe(100);
    expect(rateLimitRulesOf('pro', true)).toBe(2);
  });

  it('allows a 60 s period on Pro', () => {
    expect(rulesWith({ limits: { auth: { ...auth, periodSeconds: 60 } } })[0].ratelimit.period).toBe(60);
  });
});

describe('RateLimits refusals', () => {
  const limit = { paths: ['/v1/x/'], action: 'block' as const, requestsPerPeriod: 10, periodSeconds: 60, mitigationTimeoutSeconds: 60 };
  const refusal = (props: Partial<RateLimitsProps>) => () => rateLimits(props);

  it('refuses two rate limits on Free, naming Pro', () => {
    const free = { ...challenge, paths: ['/v1/auth/'] };
    expect(refusal({ plan: 'free', limits: { auth: free, transactions: { ...free, paths: ['/v1/transactions/'] } } })).toThrow(
      'test/rl (1 problem):\n  - plan: allows 1 rate limiting rule(s); the 2 rate limits (auth: /v1/auth/*; transactions: /v1/transactions/*) need the pro plan or higher (found: "free")',
    );
  });

  it('refuses six on Enterprise without the Advanced Rate Limiting add-on, naming the add-on', () => {
    const six = Object.fromEntries(Array.from({ length: 6 }, (_, n) => [`x${n}`, { ...limit, paths: [`/v1/x${n}/`] }]));
    expect(refusal({ plan: 'enterprise', limits: six })).toThrow(
      'test/rl (1 problem):\n  - plan: allows 5 rate limiting rule(s); the 6 rate limits (x0: /v1/x0/*; x1: /v1/x1/*; x2: /v1/x2/*; x3: /v1/x3/*; x4: /v1/x4/*; x5: /v1/x5/*) need the Advanced Rate Limiting add-on (advancedRateLimiting) (found: "enterprise")',
    );
  });

  it('refuses the Advanced Rate Limiting add-on below Enterprise', () => {
    expect(refusal({ plan: 'business', advancedRateLimiting: true })).toThrow(
      'advancedRateLimiting: is an Enterprise add-on; the business plan cannot have it (expected false, or plan "enterprise") (found: true)',
    );
  });

  it('refuses a period the plan does not have, naming the plan that has it', () => {
    expect(refusal({ limits: { x: { ...limit, periodSeconds: 600 } } })).toThrow(
      'limits.x.periodSeconds: is not available on the pro plan (allowed: 10, 60 seconds); a 600 s period needs the business plan (found: 600)',
    );
  });

  it('refuses a challenge with a mitigation timeout below Enterprise', () => {
    expect(refusal({ plan: 'business', limits: { auth: { ...challenge, mitigationTimeoutSeconds: 60 } } })).toThrow(
      'test/rl (1 problem):\n  - limits.auth.mitigationTimeoutSeconds: must be 0 on the business plan: a challenge action has no mitigation timeout below Enterprise (found: 60)',
    );
  });

  it('refuses a block that throttles (no mitigation timeout) below Enterprise', () => {
    expect(refusal({ limits: { x: { ...limit, mitigationTimeoutSeconds: 0 } } })).toThrow(
      'limits.x.mitigationTimeoutSeconds: is throttling, which a block may do on the enterprise plan only; expected one of 10, 60, 120, 300, 600, 3600 seconds on the pro plan (found: 0)',
    );
  });

  it('refuses a mitigation timeout the plan does not have, naming the plan that has it', () => {
    expect(refusal({ limits: { x: { ...limit, mitigationTimeoutSeconds: 86400 } } })).toThrow(
      'limits.x.mitigationTimeoutSeconds: is not available on the pro plan; expected one of 10, 60, 120, 300, 600, 3600 seconds; a 86400 s timeout needs the business plan (found: 86400)',
    );
  });

  it('refuses hostnames on Free, whose rules match the path only', () => {
    expect(
      refusal({
        plan: 'free',
        limits: { x: { ...limit, periodSeconds: 10, mitigationTimeoutSeconds: 10, hosts: ['api'] } },
        sites: sites(1),
      }),
    ).toThrow(
      'limits.x.hosts: cannot be matched on the free plan: its rate limiting rules match on the path only (hostnames need the pro plan); expected no hosts (found: ["api"])',
    );
  });

  it('refuses hostnames without the sites they stand for', () => {
    expect(refusal({ limits: { x: { ...limit, hosts: ['public'] } } })).toThrow(
      'limits.x.hosts: names hostnames of the environments, but no sites were given (expected sites, or no hosts for a zone-wide limit) (found: ["public"])',
    );
  });

  it('refuses a response on a challenge', () => {
    expect(refusal({ limits: { x: { ...challenge, response: { statusCode: 429 } } } })).toThrow(
      'limits.x.response: is only for the block action; a managed_challenge answers with Cloudflare\'s challenge page (expected no response, or action "block") (found: {"statusCode":429})',
    );
  });

  it('reports every problem of the limits at once', () => {
    expect(refusal({ limits: { x: { ...limit, periodSeconds: 600, mitigationTimeoutSeconds: 86400 } } })).toThrow(
      /^test\/rl \(2 problems\):/,
    );
  });
});
