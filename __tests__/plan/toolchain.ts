/**
 * What the plan tier's files start from: every shipped environment, synthesized as `npm run synth`
 * writes it, and the terraform toolchain for the providers those synths pin. The plan project
 * isolates its files (vitest's default), so each file that imports this synthesizes for itself;
 * the code is here once.
 */
import { type EnvironmentConfig, knownEnvironments, loadEnvironment } from '../../config';
import { type Toolchain, pinnedProviders, prepareToolchain } from '../../review/plan/run';
import type { Synth } from '../../review/terraform';
import { synthControl, synthPlatform } from '../helpers';

/** Each shipped environment by name: its configuration and its synth (read-only: the planners copy what they change). */
export const environments: ReadonlyMap<string, { config: EnvironmentConfig; synth: Synth }> = new Map(
  knownEnvironments().map((name) => [name, { config: loadEnvironment(name), synth: synthPlatform(name).written() }]),
);

/** The bootstrap stack of every shipped environment, as `npm run synth` writes it (read-only). */
export const control: Synth = { control: synthControl().parsed };

/**
 * The toolchain for every provider the shipped synths pin; without terraform or any provider
 * binary, no toolchain and why (`missing`), printed as `<tier> SKIPPED: <why>` so the tier is
 * never skipped silently.
 */
export async function planToolchain(tier: string): Promise<{ toolchain?: Toolchain; missing?: string }> {
  const pinned = Object.assign(
    {},
    ...[...environments.values()].map(({ synth }) => pinnedProviders(synth)),
    pinnedProviders(control),
  ) as Record<string, string>;
  const prepared = await prepareToolchain(pinned, { env: process.env });
  if ('missing' in prepared) {
    console.warn(`${tier} SKIPPED: ${prepared.missing}`);
    return { missing: prepared.missing };
  }
  return { toolchain: prepared };
}
