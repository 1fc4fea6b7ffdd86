/**
 * The offline plan tier over whole environments: synthesizes each one and plans every stack.
 */
import { type EnvironmentConfig, knownEnvironments, loadEnvironment } from '../../config';
import { synthEnvironment } from '../synth';
import type { Synth } from '../terraform';
import type { FixtureContext } from './fixtures';
import { type PlanResult, type Toolchain, pinnedProviders, planStack, prepareToolchain } from './run';

export * from './run';

/** The account the plans pretend to run in: the environment's own. */
export function fixtureContext(config: EnvironmentConfig): FixtureContext {
  return { env: config.name, region: config.aws.region, accountId: config.aws.accountId };
}

export interface EnvironmentPlan {
  readonly environment: string;
  readonly results: readonly PlanResult[];
}

/** Plans `stacks` (default all) of one synthesized environment, two at a time. */
export async function planEnvironment(
  toolchain: Toolchain,
  config: EnvironmentConfig,
  synth: Synth,
  stacks: readonly string[] = Object.keys(synth),
): Promise<EnvironmentPlan> {
  const ctx = fixtureContext(config);
  const results: PlanResult[] = [];
  const queue = [...stacks];
  await Promise.all(
    [0, 1].map(async () => {
      for (let stack = queue.shift(); stack !== undefined; stack = queue.shift())
        results.push(await planStack(toolchain, stack, synth[stack], ctx));
    }),
  );
  results.sort((a, b) => stacks.indexOf(a.stack) - stacks.indexOf(b.stack));
  return { environment: config.name, results };
}

/** Synthesizes and plans every shipped environment (or `names`). */
export async function planEnvironments(
  names: readonly string[] = knownEnvironments(),
  options: { env: NodeJS.ProcessEnv; download?: boolean },
) {
  const configs = names.map((name) => loadEnvironment(name));
  const synths = configs.map((config) => synthEnvironment(config));
  const pinned = Object.assign({}, ...synths.map(pinnedProviders)) as Record<string, string>;
  const toolchain = await prepareToolchain(pinned, options);
  if ('missing' in toolchain) return { skipped: toolchain.missing, plans: [] as EnvironmentPlan[] };
  const plans: EnvironmentPlan[] = [];
  for (const [i, config] of configs.entries()) plans.push(await planEnvironment(toolchain, config, synths[i]));
  return { toolchain, plans };
}
