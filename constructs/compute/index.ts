/** The compute engines behind the one service interface (`service.ts`). */
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config';
import { AppRunnerService } from './app-runner-service';
import type { ServiceKeyGrant } from '../encryption-key';
import type { Naming } from '../naming';
import { EcsExpressService, ecsExpressKeyGrants } from './ecs-express-service';
import type { ComputeService, ServiceProps } from './service';

export type { ComputeService, ServiceProps, ServiceSecret } from './service';

/** What only some engines need, read lazily so the others' stacks never read it. */
export interface EngineInputs {
  /** Public subnets, one per zone: where ECS Express's internet-facing Network Load Balancer lives. */
  readonly publicSubnetIds: () => string[];
}

export function createService(
  engine: EnvironmentConfig['compute']['engine'],
  scope: Construct,
  id: string,
  props: ServiceProps,
  inputs: EngineInputs,
): ComputeService {
  switch (engine) {
    case 'app-runner':
      return new AppRunnerService(scope, id, props);
    case 'ecs-express':
      return new EcsExpressService(scope, id, { ...props, publicSubnetIds: inputs.publicSubnetIds() });
  }
}

/** What an engine needs the compute key (`ServiceProps.encryptionKeyArn`) to allow AWS services. */
export function engineKeyGrants(
  engine: EnvironmentConfig['compute']['engine'],
  naming: Naming,
  region: string,
  accountId: string,
): ServiceKeyGrant[] {
  switch (engine) {
    case 'app-runner':
      return [];
    case 'ecs-express':
      return ecsExpressKeyGrants(naming, region, accountId);
  }
}
