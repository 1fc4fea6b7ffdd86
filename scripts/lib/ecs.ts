/**
 * What release, rollback and the custom-domain step need to know about an ECS Express service,
 * through the ECS API only: which service it is, which image it runs now, where its traffic enters
 * (listener and rule of the Express-managed load balancer), and when a deployment has settled.
 *
 * Express services live in the `default` cluster under the name `<project>-<env>-<service>`
 * (constructs/compute/ecs-express-service.ts).
 */
import {
  DescribeExpressGatewayServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  type ECSClient,
  type ECSExpressGatewayService,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';

/** The cluster Express services run in (ECS_EXPRESS_CLUSTER). */
export const EXPRESS_CLUSTER = 'default';

export class EcsError extends Error {}

/** The ARN of the service named `serviceName` in the Express cluster. */
export async function findServiceArn(ecs: ECSClient, serviceName: string): Promise<string> {
  const { services = [], failures = [] } = await ecs.send(
    new DescribeServicesCommand({ cluster: EXPRESS_CLUSTER, services: [serviceName] }),
  );
  const found = services.find((service) => service.serviceName === serviceName && service.status !== 'INACTIVE');
  if (!found?.serviceArn) {
    const reason = failures[0]?.reason ? ` (${failures[0].reason})` : '';
    throw new EcsError(
      `No ECS Express service named ${serviceName} in cluster ${EXPRESS_CLUSTER}${reason}: deploy the compute stack first`,
    );
  }
  return found.serviceArn;
}

async function describe(ecs: ECSClient, serviceArn: string): Promise<ECSExpressGatewayService> {
  const { service } = await ecs.send(new DescribeExpressGatewayServiceCommand({ serviceArn }));
  if (!service) throw new EcsError(`ECS returned no Express service for ${serviceArn}`);
  return service;
}

/** The newest active configuration: during a canary deployment there are two, the new one last. */
function newestConfiguration(service: ECSExpressGatewayService) {
  const configurations = [...(service.activeConfigurations ?? [])].sort(
    (a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0),
  );
  const newest = configurations.at(-1);
  if (!newest) throw new EcsError(`Express service ${service.serviceName ?? service.serviceArn} has no active configuration`);
  return { newest, settling: configurations.length > 1 };
}

export interface RunningImage {
  /** The image as the service runs it: `<repository>@sha256:...` or `<repository>:<tag>`. */
  readonly image: string;
  /** True while a deployment still moves traffic between two configurations (the image is the new one). */
  readonly settling: boolean;
}

/** Which image the service runs now. */
export async function runningImage(ecs: ECSClient, serviceArn: string): Promise<RunningImage> {
  const { newest, settling } = newestConfiguration(await describe(ecs, serviceArn));
  const image = newest.primaryContainer?.image;
  if (!image) throw new EcsError(`Express service ${serviceArn} has no primary container image`);
  return { image, settling };
}

export interface Ingress {
  /** The `*.ecs.<region>.on.aws` endpoint Express gave the service. */
  readonly endpoint: string;
  readonly loadBalancerArn: string;
  readonly listenerArn: string;
  /** The listener rule that sends the service's Host to its target groups (Express moves its weights on each deployment). */
  readonly ruleArn: string;
}

/** Where the service's traffic enters: the Express-managed load balancer, listener and rule of its newest revision. */
export async function ingressOf(ecs: ECSClient, serviceArn: string): Promise<Ingress> {
  const { newest } = newestConfiguration(await describe(ecs, serviceArn));
  if (!newest.serviceRevisionArn) throw new EcsError(`Express service ${serviceArn} reports no service revision`);
  const { serviceRevisions = [] } = await ecs.send(
    new DescribeServiceRevisionsCommand({ serviceRevisionArns: [newest.serviceRevisionArn] }),
  );
  const path = serviceRevisions[0]?.ecsManagedResources?.ingressPaths?.[0];
  const loadBalancerArn = path?.loadBalancer?.arn;
  const listenerArn = path?.listener?.arn;
  const ruleArn = path?.rule?.arn;
  if (!path?.endpoint || !loadBalancerArn || !listenerArn || !ruleArn) {
    throw new EcsError(
      `Express service ${serviceArn} has no load balancer, listener and rule yet (revision ${newest.serviceRevisionArn}): wait for its deployment`,
    );
  }
  return { endpoint: path.endpoint, loadBalancerArn, listenerArn, ruleArn };
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const FAILED = new Set([
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_REQUESTED',
  'STOPPED',
  'STOP_REQUESTED',
]);

/**
 * Waits until the service's current deployment has succeeded (the canary finished and all traffic
 * is on the new revision). Throws when the deployment failed or was rolled back, with ECS's reason,
 * or when `timeoutMs` (default 30 minutes, the provider's own) passes.
 */
export async function waitUntilSteady(ecs: ECSClient, serviceArn: string, options: WaitOptions = {}): Promise<ServiceDeployment> {
  const { timeoutMs = 30 * 60_000, pollMs = 15_000, sleep = (ms) => new Promise((r) => setTimeout(r, ms)), now = Date.now } = options;
  const deadline = now() + timeoutMs;
  for (;;) {
    const service = await describe(ecs, serviceArn);
    const status = service.status?.statusCode;
    if (status !== 'ACTIVE')
      throw new EcsError(
        `Express service ${serviceArn} is ${status ?? 'in an unknown state'}${service.status?.statusReason ? `: ${service.status.statusReason}` : ''}`,
      );
    if (service.currentDeployment) {
      const { serviceDeployments = [] } = await ecs.send(
        new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [service.currentDeployment] }),
      );
      const deployment = serviceDeployments[0];
      if (deployment?.status === 'SUCCESSFUL') return deployment;
      if (deployment?.status && FAILED.has(deployment.status)) {
        throw new EcsError(
          `Deployment ${service.currentDeployment} of ${serviceArn} ended ${deployment.status}${deployment.statusReason ? `: ${deployment.statusReason}` : ''}`,
        );
      }
    }
    if (now() + pollMs > deadline)
      throw new EcsError(`Express service ${serviceArn} did not settle within ${Math.round(timeoutMs / 60_000)} minutes`);
    await sleep(pollMs);
  }
}
