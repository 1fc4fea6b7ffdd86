/** Small inputs for the edge construct tests: a test stack and an environment of the zone. */
import { TerraformStack, Testing } from 'cdktf';
import type { EdgeSite } from '../../../constructs/edge/site';
import { type TerraformJson, testApp } from '../../helpers';

/** An empty stack for one construct: its construct paths start with `test/`. */
export function testStack(): TerraformStack {
  return new TerraformStack(testApp(), 'test');
}

/** The synthesized stack, as a string for cdktf's matchers and parsed. */
export function synthOf(stack: TerraformStack): { json: string; parsed: TerraformJson } {
  const json = Testing.synth(stack);
  return { json, parsed: JSON.parse(json) };
}

/** An environment of the zone, `test` unless `overrides` say otherwise (shaped like the shipped ones). */
export function site(overrides: Partial<EdgeSite> = {}): EdgeSite {
  return {
    name: 'test',
    publicHost: 'test.example.com',
    apiHost: 'test-api.example.com',
    allowedCountries: ['NO'],
    sanctionedCountries: ['CU', 'IR', 'KP'],
    sanctionedRegions: ['UA-43', 'UA-40'],
    exceptionIpRanges: [],
    exceptionAsns: [],
    healthPaths: ['/api/health', '/v1/health'],
    publicAssets: ['/favicon.ico', '/images/'],
    publicAssetTtlSeconds: 86400,
    originVerifySecret: 'not-a-secret-test-value',
    ...overrides,
  };
}

/** `count` environments of one zone, `env0` … `env<count-1>`. */
export function sites(count: number, overrides: Partial<EdgeSite> = {}): EdgeSite[] {
  return Array.from({ length: count }, (_, n) =>
    site({ name: `env${n}`, publicHost: `env${n}.example.com`, apiHost: `env${n}-api.example.com`, ...overrides }),
  );
}

/**
 * Evaluates the subset of the Cloudflare Rules language the edge constructs emit (`eq`, `in {…}`,
 * `starts_with()`, `not`, `and`, `or`, parentheses) against one request, so a test can say which
 * requests a rule matches rather than how its text reads. It leaves out every other field
 * (`ip.src*`, `cf.*`: it throws on them), functions other than `starts_with`, `xor`/`&&`/`||`,
 * case and URL normalisation; `and` binds tighter than `or`, as in Cloudflare's language.
 */
export function matches(expression: string, request: { host: string; path: string }): boolean {
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
