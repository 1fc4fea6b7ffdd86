/**
 * What the custom-domain step (scripts/ecs-domains.ts) needs to know about an ECS Express service,
 * through the ECS API only: which service it is and where its traffic enters (listener and rule of
 * the Express-managed load balancer).
 *
 * Express services live in the `default` cluster under the name `<project>-<env>-<service>`
 * (constructs/compute/ecs-express-service.ts).
 */
import {
  DescribeExpressGatewayServiceCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  type ECSClient,
  type ECSExpressGatewayService,
} from '@aws-sdk/client-ecs';
import { ECS_EXPRESS_CLUSTER } from '../../constructs/compute/engines';

export class EcsError extends Error {}

/** The ARN of the service named `serviceName` in the Express cluster. */
export async function findServiceArn(ecs: ECSClient, serviceName: string): Promise<string> {
  const { services = [], failures = [] } = await ecs.send(
    new DescribeServicesCommand({ cluster: ECS_EXPRESS_CLUSTER, services: [serviceName] }),
  );
  const found = services.find((service) => service.serviceName === serviceName && service.status !== 'INACTIVE');
  if (!found?.serviceArn) {
    const reason = failures[0]?.reason ? ` (${failures[0].reason})` : '';
    throw new EcsError(
      `No ECS Express service named ${serviceName} in cluster ${ECS_EXPRESS_CLUSTER}${reason}: deploy the compute stack first`,
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
  return newest;
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
  const newest = newestConfiguration(await describe(ecs, serviceArn));
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
