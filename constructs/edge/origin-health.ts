/**
 * Cloudflare health checks of the origin services (docs/requirements.md, Health checks: "Cloudflare origin health": 60 s
 * interval, 10 s timeout, 2 retries), on each service's own health path. They probe the
 * compute engine's origin targets directly (App Runner's custom domain target, ECS Express's
 * Network Load Balancer), so they need no origin verification header: the services accept their
 * health paths without it.
 */
import { Healthcheck } from '@cdktf/provider-cloudflare/lib/healthcheck';
import { Construct } from 'constructs';
import { type Problem, throwIfProblems } from '../validation';
import { type CloudflarePlan, PLAN_LIMITS, lowestPlanWhere } from './cloudflare';

export interface OriginHealthTarget {
  /** Health check name, e.g. `drop-staging-api`. */
  readonly name: string;
  /** The origin's hostname: the compute engine's origin target (the service's `dnsTarget`). */
  readonly address: string;
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
        httpConfig: { method: 'GET', path: target.path, port: 443, expectedCodes: ['200'], followRedirects: false, allowInsecure: false },
      });
    }
    this.checks = checks;
  }
}
