import {
  DescribeExpressGatewayServiceCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { EcsError, findServiceArn, ingressOf } from '../../scripts/lib/ecs';

const ecs = mockClient(ECSClient);
// The infra project shares one module graph per worker (isolate: false): give the clients back to the next file.
afterAll(() => {
  ecs.restore();
});
const client = new ECSClient({ region: 'eu-north-1' });
const ARN = 'arn:aws:ecs:eu-north-1:123456789012:service/default/drop-production-stockholm-api';
const IMAGE = (digest: string) => `123456789012.dkr.ecr.eu-north-1.amazonaws.com/drop-production-stockholm-api@sha256:${digest.repeat(64)}`;

function express(configurations: { image: string; revision: string; day: number }[]) {
  ecs.on(DescribeExpressGatewayServiceCommand, { serviceArn: ARN }).resolves({
    service: {
      serviceArn: ARN,
      serviceName: 'drop-production-stockholm-api',
      status: { statusCode: 'ACTIVE' },
      activeConfigurations: configurations.map((c) => ({
        serviceRevisionArn: c.revision,
        primaryContainer: { image: c.image },
        createdAt: new Date(Date.UTC(2026, 10, c.day)),
      })),
    },
  });
}

beforeEach(() => ecs.reset());

describe('findServiceArn', () => {
  it('finds the service by name in the default cluster', async () => {
    // GIVEN
    ecs.on(DescribeServicesCommand, { cluster: 'default', services: ['drop-production-stockholm-api'] }).resolves({
      services: [{ serviceName: 'drop-production-stockholm-api', serviceArn: ARN, status: 'ACTIVE' }],
    });
    // WHEN / THEN
    await expect(findServiceArn(client, 'drop-production-stockholm-api')).resolves.toBe(ARN);
  });

  it('fails naming the service and the cluster when it does not exist', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ reason: 'MISSING' }] });
    await expect(findServiceArn(client, 'drop-production-stockholm-api')).rejects.toThrow(
      'No ECS Express service named drop-production-stockholm-api in cluster default (MISSING): deploy the compute stack first',
    );
  });
});

describe('ingressOf', () => {
  it('reads the load balancer, listener and rule of the newest revision', async () => {
    // GIVEN
    express([
      { image: IMAGE('a'), revision: 'rev-1', day: 1 },
      { image: IMAGE('b'), revision: 'rev-2', day: 2 },
    ]);
    ecs.on(DescribeServiceRevisionsCommand, { serviceRevisionArns: ['rev-2'] }).resolves({
      serviceRevisions: [
        {
          ecsManagedResources: {
            ingressPaths: [
              {
                accessType: 'PRIVATE',
                endpoint: 'dr-abc.ecs.eu-north-1.on.aws',
                loadBalancer: { arn: 'arn:lb', scheme: 'internal', status: 'ACTIVE', updatedAt: new Date() },
                listener: { arn: 'arn:listener', status: 'ACTIVE', updatedAt: new Date() },
                rule: { arn: 'arn:rule', status: 'ACTIVE', updatedAt: new Date() },
              },
            ],
          },
        },
      ],
    });
    // WHEN / THEN
    await expect(ingressOf(client, ARN)).resolves.toEqual({
      endpoint: 'dr-abc.ecs.eu-north-1.on.aws',
      loadBalancerArn: 'arn:lb',
      listenerArn: 'arn:listener',
      ruleArn: 'arn:rule',
    });
  });

  it('fails while Express has not created the listener rule yet', async () => {
    express([{ image: IMAGE('a'), revision: 'rev-1', day: 1 }]);
    ecs.on(DescribeServiceRevisionsCommand).resolves({ serviceRevisions: [{ ecsManagedResources: { ingressPaths: [] } }] });
    await expect(ingressOf(client, ARN)).rejects.toThrow('has no load balancer, listener and rule yet (revision rev-1)');
  });

  it('takes the newest configuration while a canary deployment runs, whichever the API lists first', async () => {
    // GIVEN the API lists the new configuration first
    express([
      { image: IMAGE('b'), revision: 'rev-2', day: 2 },
      { image: IMAGE('a'), revision: 'rev-1', day: 1 },
    ]);
    ecs.on(DescribeServiceRevisionsCommand).resolves({ serviceRevisions: [{ ecsManagedResources: { ingressPaths: [] } }] });
    // WHEN / THEN the revision asked for is the new one
    await expect(ingressOf(client, ARN)).rejects.toThrow('(revision rev-2)');
    expect(ecs.commandCalls(DescribeServiceRevisionsCommand)[0].args[0].input).toEqual({ serviceRevisionArns: ['rev-2'] });
  });

  it('fails when the service has no active configuration', async () => {
    express([]);
    await expect(ingressOf(client, ARN)).rejects.toThrow(EcsError);
  });
});
