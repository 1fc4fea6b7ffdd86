import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../config';
import { AppRunnerService } from '../../constructs/compute/app-runner-service';
import { EcsExpressService } from '../../constructs/compute/ecs-express-service';
import { appRunnerProblems, ecsExpressProblems } from '../../constructs/compute/engines';
import type { ServiceProps } from '../../constructs/compute/service';
import { EncryptionKey } from '../../constructs/encryption-key';
import { Naming } from '../../constructs/naming';
import { testApp } from '../helpers';

const sizing = { region: 'eu-west-1', cpu: 1, memoryGb: 2, scaling: { concurrency: 100 } };

describe('what each engine can run', () => {
  it('accepts a size both engines run', () => {
    expect(appRunnerProblems(sizing)).toEqual([]);
    expect(ecsExpressProblems(sizing)).toEqual([]);
  });

  it('names the props path of each problem, the value and what is allowed', () => {
    expect(appRunnerProblems({ ...sizing, region: 'eu-north-1', memoryGb: 8, scaling: { concurrency: 500 } })).toEqual([
      expect.objectContaining({ path: ['region'], input: 'eu-north-1' }),
      { path: ['memoryGb'], input: 8, message: 'cannot go with 1 vCPU on App Runner; expected 2, 3, 4 GB' },
      { path: ['scaling', 'concurrency'], input: 500, message: "is above App Runner's maximum; expected 1 to 200" },
    ]);
  });

  /** GIVEN a stack outside the environment files' validation, and the api's props but for what a test changes. */
  function direct(region: string) {
    const stack = new TerraformStack(testApp(), 'direct');
    const api = loadEnvironment('staging').compute.services.api;
    const naming = new Naming({ project: 'drop', name: 'staging' });
    const account = new DataAwsCallerIdentity(stack, 'account');
    const encryptionKey = new EncryptionKey(stack, 'key', { naming, account, region, purpose: 'compute', description: 'test' });
    const props: ServiceProps = {
      naming,
      name: 'api',
      region,
      image: { repositoryUrl: 'repo', repositoryArn: 'arn', reference: 'v1' },
      port: api.port,
      cpu: api.cpu,
      memoryGb: api.memoryGb,
      scaling: api,
      healthCheck: api.healthCheck,
      environment: {},
      secrets: {},
      egress: { subnetIds: [], securityGroupIds: [] },
      domainName: 'staging-api.getdrop.no',
      alarmTopicArn: 'arn',
      encryptionKey,
    };
    return { stack, props };
  }

  it('is refused by the ECS Express construct itself for a size Fargate does not run', () => {
    const { stack, props } = direct('eu-north-1');
    expect(() => new EcsExpressService(stack, 'api', { ...props, cpu: 0.25, memoryGb: 4, publicSubnetIds: [] })).toThrow(
      'direct/api (1 problem):\n  - memoryGb: cannot go with 0.25 vCPU on ECS Express; expected 0.5, 1, 2 GB (found: 4)',
    );
  });

  it('is refused by the App Runner construct itself when built for a region without App Runner', () => {
    const { stack, props } = direct('eu-north-1');
    expect(() => new AppRunnerService(stack, 'api', props)).toThrow(
      'direct/api (1 problem):\n  - region: AWS App Runner is not offered in eu-north-1',
    );
  });
});
