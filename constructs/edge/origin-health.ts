/**
 * Cloudflare health checks of the origin services (docs/requirements.md, Health checks: "Cloudflare origin health": 60 s
 * interval, 10 s timeout, 2 retries), on each service's own health path. They probe the
 * compute engine's origin directly, not through Cloudflare, so they need no origin verification
 * header (the services accept their health paths without it), and send the service's custom
 * domain as `Host`, so the origin routes them as it routes real traffic (an ECS Express listener
 * rule matches on Host). With no `Host` header, Host and the TLS server name would be `address`.
 * The provider passes `http_config.header` through ("It is recommended you set a Host header by
 * default", cloudflare/cloudflare v5.14 internal/services/healthcheck/schema.go); certificates are
 * verified (`allow_insecure` false), so the engine's certificate must cover both `address` and
 * `host`: Cloudflare does not document which of them it sends as SNI.
 */
import { Healthcheck } from '@cdktf/provider-cloudflare/lib/healthcheck';
import { NotificationPolicy } from '@cdktf/provider-cloudflare/lib/notification-policy';
import { Construct } from 'constructs';
import { type Problem, throwIfProblems } from '../validation';
import { type CloudflarePlan, PLAN_LIMITS, lowestPlanWhere } from './cloudflare';

export interface OriginHealthTarget {
  /** Health check name, e.g. `drop-staging-api`. */
  readonly name: string;
  /** The hostname the check connects to: the engine's origin (App Runner's service domain, or a DNS-only name of the ECS Express ingress). */
  readonly address: string;
  /** The `Host` header: the service's custom domain, as real traffic carries it. */
  readonly host: string;
  /** The health path, e.g. `/v1/health`. */
  readonly path: string;
}

export interface OriginHealthProps {
  readonly zoneId: string;
  readonly plan: CloudflarePlan;
  readonly targets: Readonly<Record<string, OriginHealthTarget>>;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  /**
   * Regions the checks run from.
   * @default ["WEU", "EEU"] (Western and Eastern Europe, near the origin)
   */
  readonly checkRegions?: readonly string[];
  /**
   * Who Cloudflare emails when a check changes status (unhealthy, and healthy again): a
   * `health_check_status_notification` policy of the zone's account, filtered to these checks.
   * @default - nobody (no notification policy)
   */
  readonly notify?: { readonly accountId: string; readonly name: string; readonly emails: readonly string[] };
}

/** What the zone plan cannot run of `props`, and a timeout that outlasts the interval; paths are props paths. */
export function originHealthProblems(props: Pick<OriginHealthProps, 'plan' | 'intervalSeconds' | 'timeoutSeconds'>): Problem[] {
  const limits = PLAN_LIMITS[props.plan];
  const { intervalSeconds, timeoutSeconds } = props;
  const problems: Problem[] = [];
  if (!limits.healthChecks) {
    problems.push({
      path: ['plan'],
      input: props.plan,
      message: 'has no origin health checks (cloudflare_healthcheck); they need the pro plan or higher',
    });
  } else if (intervalSeconds < limits.healthCheckMinIntervalSeconds) {
    const needed = lowestPlanWhere(
      (plan) => PLAN_LIMITS[plan].healthChecks && PLAN_LIMITS[plan].healthCheckMinIntervalSeconds <= intervalSeconds,
    );
    problems.push({
      path: ['intervalSeconds'],
      input: intervalSeconds,
      message: `is below the ${props.plan} plan's minimum of ${limits.healthCheckMinIntervalSeconds} seconds${needed ? `; ${intervalSeconds} s needs the ${needed} plan` : ''}`,
    });
  }
  if (timeoutSeconds >= intervalSeconds) {
    problems.push({
      path: ['timeoutSeconds'],
      input: timeoutSeconds,
      message: `must be shorter than intervalSeconds (${intervalSeconds})`,
    });
  }
  return problems;
}

export class OriginHealth extends Construct {
  readonly checks: Readonly<Record<string, Healthcheck>>;

  constructor(scope: Construct, id: string, props: OriginHealthProps) {
    super(scope, id);
    throwIfProblems(this, originHealthProblems(props));
    const checks: Record<string, Healthcheck> = {};
    for (const [key, target] of Object.entries(props.targets)) {
      checks[key] = new Healthcheck(this, key, {
        zoneId: props.zoneId,
        name: target.name,
        description: `Origin health of ${target.name}`,
        address: target.address,
        type: 'HTTPS',
        interval: props.intervalSeconds,
        timeout: props.timeoutSeconds,
        retries: props.retries,
        checkRegions: [...(props.checkRegions ?? ['WEU', 'EEU'])],
        httpConfig: {
          method: 'GET',
          path: target.path,
          port: 443,
          header: { Host: [target.host] },
          expectedCodes: ['200'],
          followRedirects: false,
          allowInsecure: false,
        },
      });
    }
    this.checks = checks;
    if (props.notify && props.notify.emails.length > 0) {
      new NotificationPolicy(this, 'notification', {
        accountId: props.notify.accountId,
        name: props.notify.name,
        description: `Origin health checks ${Object.values(props.targets)
          .map((t) => t.name)
          .join(', ')} changed status (managed by the drop edge stack)`,
        alertType: 'health_check_status_notification',
        enabled: true,
        filters: { healthCheckId: Object.values(checks).map((check) => check.id) },
        mechanisms: { email: props.notify.emails.map((id) => ({ id })) },
      });
    }
  }
}
