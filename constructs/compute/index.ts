/** The compute engines behind the one service interface (`service.ts`). */
import type { Construct } from 'constructs';
import { AppRunnerService } from './app-runner-service';
import type { ComputeEngine } from './engines';
import { EcsExpressService } from './ecs-express-service';
import type { ComputeService, ServiceProps } from './service';

export type { ComputeService, ServiceProps, ServiceSecret } from './service';

/** What only some engines need, read lazily so the others' stacks never read it. */
export interface EngineInputs {
  /** Public subnets, one per zone: where ECS Express's internet-facing Network Load Balancer lives. */
  readonly publicSubnetIds: () => string[];
}

export function createService(
  engine: ComputeEngine,
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
