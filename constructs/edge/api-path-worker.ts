/**
 * Below Enterprise, `/v1/*` of the public hostname reaches the api through a Worker on the route
 * `<public host>/v1/*`: it forwards the request, method, body and headers unchanged, to the api
 * hostname (so Host and SNI are the api's custom domain, whose certificate the compute engine
 * issued). Workers routes are per pattern, not per zone, so each environment owns its own. WAF,
 * rate limits and custom rules run before the Worker.
 *
 * The Worker holds no secret. Its fetch to the api hostname is a subrequest to a hostname of the
 * same zone, which Cloudflare processes as a request for that hostname: the zone's request header
 * transform rule (phase http_request_late_transform, `OriginRules`) sets X-Origin-Verify on it, as
 * on any request for the api hostname. Should a secret ever be needed, `wrangler secret put
 * ORIGIN_VERIFY` sets one outside Terraform (never in state) and `keep_bindings` keeps it across
 * applies; the Worker then sends its first comma-separated value. See the README, "Secrets and state".
 */
import { WorkersRoute } from '@cdktf/provider-cloudflare/lib/workers-route';
import { WorkersScript } from '@cdktf/provider-cloudflare/lib/workers-script';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from './site';

export interface ApiPathWorkerProps {
  readonly accountId: string;
  readonly zoneId: string;
  /** Worker name, unique in the account, e.g. `drop-staging-api-path`. */
  readonly scriptName: string;
  readonly publicHost: string;
  readonly apiHost: string;
  /**
   * Workers compatibility date.
   * @default "2025-09-01"
   */
  readonly compatibilityDate?: string;
}

/** Binding types Cloudflare keeps from the previous upload: secrets set with `wrangler secret put`. */
const KEPT_BINDING_TYPES = ['secret_text'];

/**
 * The Worker: an ES module. `API_HOST` is a binding, not code. A client's own X-Origin-Verify is
 * dropped; the zone's transform rule sets the real one (or `ORIGIN_VERIFY`, if set by hand).
 */
export const API_PATH_WORKER_SOURCE = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    url.hostname = env.API_HOST;
    const forwarded = new Request(url, request);
    forwarded.headers.delete('${ORIGIN_VERIFY_HEADER}');
    if (env.ORIGIN_VERIFY) forwarded.headers.set('${ORIGIN_VERIFY_HEADER}', env.ORIGIN_VERIFY.split(',')[0].trim());
    return fetch(forwarded);
  },
};
`;

export class ApiPathWorker extends Construct {
  readonly script: WorkersScript;
  readonly route: WorkersRoute;

  constructor(scope: Construct, id: string, props: ApiPathWorkerProps) {
    super(scope, id);
    this.script = new WorkersScript(this, 'script', {
      accountId: props.accountId,
      scriptName: props.scriptName,
      content: API_PATH_WORKER_SOURCE,
      mainModule: 'worker.js',
      compatibilityDate: props.compatibilityDate ?? '2025-09-01',
      bindings: [{ name: 'API_HOST', type: 'plain_text', text: props.apiHost }],
      keepBindings: KEPT_BINDING_TYPES,
    });
    this.route = new WorkersRoute(this, 'route', {
      zoneId: props.zoneId,
      pattern: `${props.publicHost}/v1/*`,
      script: this.script.scriptName,
    });
  }
}
