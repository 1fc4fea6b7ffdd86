/**
 * The `/v1/*` Worker's own code, run: it sends X-Origin-Verify from its secret binding, never a
 * client's, so it does not depend on the zone's transform rule running on its subrequest
 * (docs/edge.md, "Secrets and state").
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_PATH_WORKER_SOURCE } from '../../../constructs/edge/api-path-worker';

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
