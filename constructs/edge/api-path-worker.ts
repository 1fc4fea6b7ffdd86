/**
 * Below Enterprise, `/v1/*` of the public hostname reaches the api through a Worker on the route
 * `<public host>/v1/*`: it forwards the request, method, body and headers unchanged, to the api
 * hostname (so Host and SNI are the api's custom domain, whose certificate App Runner issued) and
 * adds the origin verification header. Workers routes are per pattern, not per zone, so each
 * environment owns its own. WAF, rate limits and custom rules run before the Worker.
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
  /** The X-Origin-Verify value (a token), bound as a Worker secret. */
  readonly originVerifySecret: string;
  /**
   * Workers compatibility date.
   * @default "2025-09-01"
   */
  readonly compatibilityDate?: string;
}

/** The Worker: an ES module. `API_HOST` and `ORIGIN_VERIFY` are bindings, not code. */
export const API_PATH_WORKER_SOURCE = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    url.hostname = env.API_HOST;
    const forwarded = new Request(url, request);
    forwarded.headers.set('${ORIGIN_VERIFY_HEADER}', env.ORIGIN_VERIFY);
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
      bindings: [
        { name: 'API_HOST', type: 'plain_text', text: props.apiHost },
        { name: 'ORIGIN_VERIFY', type: 'secret_text', text: props.originVerifySecret },
      ],
    });
    this.route = new WorkersRoute(this, 'route', {
      zoneId: props.zoneId,
      pattern: `${props.publicHost}/v1/*`,
      script: this.script.scriptName,
    });
  }
}
