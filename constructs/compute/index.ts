/** The compute engines behind the one service interface (`service.ts`). */
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config';
import { AppRunnerService } from './app-runner-service';
import type { ComputeService, ServiceProps } from './service';

export type { ComputeService, ServiceProps, ServiceSecret } from './service';

export function createService(
  engine: EnvironmentConfig['compute']['engine'],
  scope: Construct,
  id: string,
  props: ServiceProps,
): ComputeService {
  switch (engine) {
    case 'app-runner':
      return new AppRunnerService(scope, id, props);
  }
}
