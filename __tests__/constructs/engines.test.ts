import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../config';
import { EcsExpressService } from '../../constructs/compute/ecs-express-service';
import { appRunnerProblems, ecsExpressProblems } from '../../constructs/compute/engines';
import { EncryptionKey } from '../../constructs/encryption-key';
import { Naming } from '../../constructs/naming';

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

  it('is refused by the ECS Express construct itself for a size Fargate does not run', () => {
    // GIVEN a stack outside the environment files' validation
    const stack = new TerraformStack(Testing.app(), 'direct');
    const api = loadEnvironment('production-stockholm').compute.services.api;
    const naming = new Naming({ project: 'drop', name: 'staging' });
    const account = new DataAwsCallerIdentity(stack, 'account');
    const encryptionKey = new EncryptionKey(stack, 'key', {
      naming,
      account,
      region: 'eu-north-1',
      purpose: 'compute',
      description: 'test',
    });
    // WHEN / THEN
    expect(
      () =>
        new EcsExpressService(stack, 'api', {
          naming,
          name: 'api',
          region: 'eu-north-1',
          image: { repositoryUrl: 'repo', repositoryArn: 'arn', reference: 'v1' },
          port: api.port,
          cpu: 0.25,
          memoryGb: 4,
          scaling: api,
          healthCheck: api.healthCheck,
          environment: {},
          secrets: {},
          egress: { subnetIds: [], securityGroupIds: [] },
          publicSubnetIds: [],
          domainName: 'staging-api.getdrop.no',
          alarmTopicArn: 'arn',
          encryptionKey,
        }),
    ).toThrow('direct/api: memoryGb: cannot go with 0.25 vCPU on ECS Express; expected 0.5, 1, 2 GB (found: 4)');
  });
});
