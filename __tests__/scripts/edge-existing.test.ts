/**
 * `npm run edge:existing` against a loopback HTTP server standing in for the Cloudflare API (the
 * responses are shaped like the API's: `{ success, errors, result, result_info }`), as a function
 * and as the command a person runs.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environment, run } from '../helpers';
import { ExistingError, existingRulesets, formatReport, parseCommandLine } from '../../scripts/edge-existing';

const ROOT = path.join(__dirname, '..', '..');
const TOKEN = 'test-token-not-a-real-one';
const ZONE_ID = '023e105f4ecef8ad9ca31a8372d0c353';
const CUSTOM = '0123456789abcdef0123456789abcdef';
const RATELIMIT = 'fedcba9876543210fedcba9876543210';
const REDIRECT = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

let server: Server;
let base: string;
const requests: string[] = [];

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  requests.push(`${req.method} ${url.pathname}${url.search}`);
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    return send(res, 403, { success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [], result: null });
  }
  if (url.pathname === '/client/v4/zones') {
    const name = url.searchParams.get('name');
    const result = name === 'getdrop.no' ? [{ id: ZONE_ID, name: 'getdrop.no', status: 'active' }] : [];
    return send(res, 200, {
      success: true,
      errors: [],
      messages: [],
      result,
      result_info: { page: 1, per_page: 20, count: result.length, total_count: result.length },
    });
  }
  if (url.pathname === `/client/v4/zones/${ZONE_ID}/rulesets`) {
    // Two pages, as the API's cursor pagination returns them; managed and custom rulesets are not entry points.
    if (!url.searchParams.get('cursor')) {
      return send(res, 200, {
        success: true,
        errors: [],
        result: [
          {
            id: 'efb7b8c949ac4650a09736fc376e9aee',
            name: 'Cloudflare Managed Ruleset',
            kind: 'managed',
            phase: 'http_request_firewall_managed',
          },
          { id: CUSTOM, name: 'default', kind: 'zone', phase: 'http_request_firewall_custom' },
          { id: REDIRECT, name: 'default', kind: 'zone', phase: 'http_request_dynamic_redirect' },
        ],
        result_info: { cursor: 'page-2' },
      });
    }
    return send(res, 200, {
      success: true,
      errors: [],
      result: [
        { id: RATELIMIT, name: 'default', kind: 'zone', phase: 'http_ratelimit' },
        { id: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', name: 'My custom ruleset', kind: 'custom', phase: 'http_request_firewall_custom' },
      ],
      result_info: { cursor: '' },
    });
  }
  send(res, 404, { success: false, errors: [{ code: 7003, message: 'Could not route to /' }], result: null });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('edge:existing', () => {
  it("lists the zone's entry-point rulesets across pages and prints the lines that import the managed phases", async () => {
    const result = await existingRulesets({ zone: 'getdrop.no', token: TOKEN, apiBaseUrl: base });
    expect(result.zoneId).toBe(ZONE_ID);
    expect(result.rulesets).toEqual([
      { phase: 'http_ratelimit', id: RATELIMIT, name: 'default', managed: true },
      { phase: 'http_request_dynamic_redirect', id: REDIRECT, name: 'default', managed: false },
      { phase: 'http_request_firewall_custom', id: CUSTOM, name: 'default', managed: true },
    ]);
    expect(result.configLines).toEqual([
      '"existingRulesets": {',
      `  "http_ratelimit": { "id": "${RATELIMIT}", "name": "default" },`,
      `  "http_request_firewall_custom": { "id": "${CUSTOM}", "name": "default" }`,
      '}',
    ]);
    expect(requests).toContain(`GET /client/v4/zones/${ZONE_ID}/rulesets?cursor=page-2`);
  });

  it('prints lines that the environment file accepts, with the name each ruleset keeps', async () => {
    const result = await existingRulesets({ zone: 'getdrop.no', token: TOKEN, apiBaseUrl: base });
    const existingRulesetsConfig = JSON.parse(`{${result.configLines.join('\n')}}`).existingRulesets;
    expect(environment('production', { edge: { existingRulesets: existingRulesetsConfig } }).edge.existingRulesets).toEqual({
      http_ratelimit: { id: RATELIMIT, name: 'default' },
      http_request_firewall_custom: { id: CUSTOM, name: 'default' },
    });
    const report = formatReport('getdrop.no', result);
    expect(report).toContain(`http_request_dynamic_redirect: ${REDIRECT} "default" (not managed by the edge stack: left as it is)`);
    expect(report).toContain('Add under "edge" in the zone owner\'s environment file');
  });

  it("names a bad token, with the API's own error", async () => {
    await expect(existingRulesets({ zone: 'getdrop.no', token: 'wrong', apiBaseUrl: base })).rejects.toThrow(
      new ExistingError(
        "Cloudflare API refused GET /zones?name=getdrop.no: HTTP 403: Authentication error (code 10000): check CLOUDFLARE_API_TOKEN (a valid token with Zone Read and the rulesets' read permissions on this zone)",
      ),
    );
  });

  it('names an unknown zone', async () => {
    await expect(existingRulesets({ zone: 'unknown.example', token: TOKEN, apiBaseUrl: base })).rejects.toThrow(
      'zone "unknown.example" not found: this token sees no zone of that name (check the name, and that the token has Zone Read on it)',
    );
  });

  it('refuses a missing token and a missing zone before calling the API', () => {
    expect(() => parseCommandLine(['--zone', 'getdrop.no'], {})).toThrow('CLOUDFLARE_API_TOKEN is not set');
    expect(() => parseCommandLine([], { CLOUDFLARE_API_TOKEN: TOKEN })).toThrow(
      '--zone null is not a zone name; expected e.g. --zone getdrop.no',
    );
    expect(parseCommandLine(['--zone', 'getdrop.no'], { CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_API_BASE_URL: base }).apiBaseUrl).toBe(
      base,
    );
  });

  it.each([
    [TOKEN, 0, `"http_request_firewall_custom": { "id": "${CUSTOM}", "name": "default" }`],
    ['wrong', 1, 'HTTP 403: Authentication error (code 10000)'],
  ])(
    'runs as `npm run edge:existing -- --zone getdrop.no` (token %s): exit %i',
    async (token, status, output) => {
      // Asynchronous: the loopback API answers from this process while the command runs.
      const result = await run(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'scripts', 'edge-existing.ts'), '--zone', 'getdrop.no'],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, CLOUDFLARE_API_TOKEN: token, CLOUDFLARE_API_BASE_URL: base },
        },
      );
      expect(result.status).toBe(status);
      expect(status === 0 ? result.stdout : result.stderr).toContain(output);
    },
    60_000,
  );
});
