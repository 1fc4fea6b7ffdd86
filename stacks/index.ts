/** The four stacks of one environment, and the one dependency between them; and the bootstrap stack. */
import type { Construct, IConstruct } from 'constructs';
import type { ControlConfig, EnvironmentConfig } from '../config';
import { ComputeStack } from './compute-stack';
import { ControlStack } from './control-stack';
import { DataStack } from './data-stack';
import { EdgeStack } from './edge-stack';
import { RegistryStack } from './registry-stack';

export interface Platform {
  readonly registry: RegistryStack;
  readonly data: DataStack;
  readonly compute: ComputeStack;
  readonly edge: EdgeStack;
}

/**
 * `zone`: every environment of `config`'s Cloudflare zone (see `loadZone`); the zone owner's edge
 * stack scopes its zone-wide rules to each. Defaults to this environment alone.
 */
export function buildPlatform(app: Construct, config: EnvironmentConfig, zone: readonly EnvironmentConfig[] = [config]): Platform {
  const registry = new RegistryStack(app, { config });
  const data = new DataStack(app, { config });
  const compute = new ComputeStack(app, { config });
  const edge = new EdgeStack(app, { config, zone });
  // Stacks exchange values through the contract (stacks/contract.ts), not Terraform remote state,
  // so this is the only declared dependency: `cdktf deploy edge compute` deploys compute first.
  edge.addDependency(compute);
  return { registry, data, compute, edge };
}

/**
 * The bootstrap stack of every environment (`all`, checked with `checkControlPlane`): one per app,
 * whatever DROP_ENV names, so `npx cdktf deploy control` works from any environment's synth.
 */
export function buildControl(app: Construct, control: ControlConfig, all: readonly EnvironmentConfig[]): ControlStack {
  return new ControlStack(app, { control, environments: all });
}

/** The synth warnings (`Annotations.addWarning`) under `scope`, as "<path>: <message>" lines. */
export function synthWarnings(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === '@cdktf/warn')
        .map((entry) => `${construct.node.path}: ${String(entry.data)}`),
    );
}
