import { describe, expect, it } from 'vitest';
import { AppRunnerService } from '../../constructs/compute/app-runner-service';
import { EcsExpressService } from '../../constructs/compute/ecs-express-service';
import { appRunnerProblems, ecsExpressProblems } from '../../constructs/compute/engines';
import { serviceStack } from './compute/service-fixture';

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
    const { stack, props } = serviceStack({ region: 'eu-north-1' });
    expect(() => new EcsExpressService(stack, 'api', { ...props, cpu: 0.25, memoryGb: 4, publicSubnetIds: [] })).toThrow(
      'test/api (1 problem):\n  - memoryGb: cannot go with 0.25 vCPU on ECS Express; expected 0.5, 1, 2 GB (found: 4)',
    );
  });

  it('is refused by the App Runner construct itself when built for a region without App Runner', () => {
    const { stack, props } = serviceStack({ region: 'eu-north-1' });
    expect(() => new AppRunnerService(stack, 'api', props)).toThrow(
      'test/api (1 problem):\n  - region: AWS App Runner is not offered in eu-north-1',
    );
  });
});
