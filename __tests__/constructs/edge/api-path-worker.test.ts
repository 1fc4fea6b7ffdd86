/**
 * The `/v1/*` Worker's own code, run: it sends X-Origin-Verify from its secret binding, never a
 * client's, so it does not depend on the zone's transform rule running on its subrequest
 * (docs/edge.md, "Secrets and state").
 */
import { WorkersRoute } from '@cdktf/provider-cloudflare/lib/workers-route';
import { WorkersScript } from '@cdktf/provider-cloudflare/lib/workers-script';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_PATH_WORKER_SOURCE, ApiPathWorker } from '../../../constructs/edge/api-path-worker';
import { resourcesOf } from '../../helpers';
import { synthOf, testStack } from './fixtures';

interface Worker {
  fetch(request: Request, env: Record<string, string>): Promise<Response>;
}

/** The Worker module, loaded as Cloudflare loads it (an ES module). */
async function worker(): Promise<Worker> {
  const module = await import(`data:text/javascript,${encodeURIComponent(API_PATH_WORKER_SOURCE)}`);
  return module.default as Worker;
}

/** Runs the Worker on `request` and returns the request it forwarded. */
async function forwarded(request: Request, env: Record<string, string>): Promise<Request> {
  const sent: Request[] = [];
  vi.stubGlobal('fetch', async (r: Request) => (sent.push(r), new Response('ok')));
  await (await worker()).fetch(request, env);
  expect(sent).toHaveLength(1);
  return sent[0];
}

afterEach(() => vi.unstubAllGlobals());

describe('the /v1 Worker', () => {
  it('forwards to the api hostname with the first value of its ORIGIN_VERIFY binding, whatever the client sent', async () => {
    // GIVEN a rotation in progress (the secret holds new,old) and a client that forges the header
    const request = new Request('https://getdrop.no/v1/transactions?page=2', {
      method: 'POST',
      headers: { 'x-origin-verify': 'forged', 'content-type': 'application/json' },
      body: '{"amount":1}',
    });
    // WHEN
    const sent = await forwarded(request, { API_HOST: 'api.getdrop.no', ORIGIN_VERIFY: ' new , old' });
    // THEN
    expect(sent.url).toBe('https://api.getdrop.no/v1/transactions?page=2');
    expect(sent.method).toBe('POST');
    expect(sent.headers.get('x-origin-verify')).toBe('new');
    expect(sent.headers.get('content-type')).toBe('application/json');
    expect(await sent.text()).toBe('{"amount":1}');
  });

  it("drops a client's header and adds none while its binding is not set", async () => {
    const sent = await forwarded(new Request('https://getdrop.no/v1/auth/bankid', { headers: { 'x-origin-verify': 'forged' } }), {
      API_HOST: 'api.getdrop.no',
    });
    expect(sent.headers.has('x-origin-verify')).toBe(false);
  });
});

describe('ApiPathWorker', () => {
  function apiPathWorker(compatibilityDate?: string) {
    const stack = testStack();
    new ApiPathWorker(stack, 'api-path', {
      accountId: 'account-id',
      zoneId: 'zone-id',
      scriptName: 'drop-test-api-path',
      publicHost: 'test.example.com',
      apiHost: 'test-api.example.com',
      compatibilityDate,
    });
    return synthOf(stack);
  }

  it('uploads the Worker as an ES module with the api hostname as a plain binding', () => {
    expect(apiPathWorker().json).toHaveResourceWithProperties(WorkersScript, {
      account_id: 'account-id',
      script_name: 'drop-test-api-path',
      content: API_PATH_WORKER_SOURCE,
      main_module: 'worker.js',
      compatibility_date: '2025-09-01',
      bindings: [{ name: 'API_HOST', type: 'plain_text', text: 'test-api.example.com' }],
    });
  });

  it('keeps the ORIGIN_VERIFY secret set with wrangler across applies, so it never enters Terraform state', () => {
    const [script] = Object.values(resourcesOf(apiPathWorker().parsed, 'cloudflare_workers_script'));
    expect(script.keep_bindings).toEqual(['secret_text']);
    expect(script.content).toContain("forwarded.headers.delete('X-Origin-Verify')");
    expect(script.content).toContain(
      "if (env.ORIGIN_VERIFY) forwarded.headers.set('X-Origin-Verify', env.ORIGIN_VERIFY.split(',')[0].trim())",
    );
  });

  it('routes /v1/* of the public hostname to the script, by its name', () => {
    expect(apiPathWorker().json).toHaveResourceWithProperties(WorkersRoute, {
      zone_id: 'zone-id',
      pattern: 'test.example.com/v1/*',
      script: expect.stringMatching(/^\$\{cloudflare_workers_script\.api-path_script_[0-9A-F]{8}\.script_name\}$/),
    });
  });

  it('takes another compatibility date', () => {
    expect(apiPathWorker('2026-01-15').json).toHaveResourceWithProperties(WorkersScript, { compatibility_date: '2026-01-15' });
  });
});
