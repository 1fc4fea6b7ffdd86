/**
 * Below Enterprise, `/v1/*` of the public hostname reaches the api through a Worker on the route
 * `<public host>/v1/*`: it forwards the request, method, body and headers unchanged, to the api
 * hostname (so Host and SNI are the api's custom domain, whose certificate the compute engine
 * issued). Workers routes are per pattern, not per zone, so each environment owns its own. WAF,
 * rate limits and custom rules run before the Worker.
 *
 * The Worker sends X-Origin-Verify itself, from a `secret_text` binding `ORIGIN_VERIFY` written
 * outside Terraform (`wrangler secret put`, docs/edge.md "Secrets and state"), never in state, and
 * kept across applies by `keep_bindings`; it sends the first comma-separated value, as the edge's
 * transform rule does, so the `current,previous` rotation works unchanged. Cloudflare documents
 * that Transform Rules can match Workers subrequests (`cf.worker.upstream_zone`), but no page says
 * the zone's late transform rules run on a Worker's subrequest to a hostname of its own zone, so
 * the Worker does not rely on them: until its binding is set it forwards without the header, and
 * the origin answers 403 unless the transform rule did set it.
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
 * dropped; the Worker sets the real one from its `ORIGIN_VERIFY` secret binding (the first value).
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
