/** Synths of the shipped environments, and ways to find and break their resources. */
import { loadEnvironment } from '../../config';
import type { Synth } from '../../review/terraform';
import { synthControl, synthPlatform } from '../helpers';

/**
 * What `npm run synth` writes for a shipped environment (review/synth.ts's synthEnvironment
 * writes the same): the synth shared by every test file, as a deep copy each caller may break.
 */
export function shipped(name: string): Synth {
  if (name === 'control') return { control: structuredClone(synthControl().parsed) };
  return structuredClone(synthPlatform(name).written());
}

/** What the gate knows of a shipped environment (or of the bootstrap stack, `control`). */
export function contextOf(name: string) {
  if (name === 'control') return { environment: name, zoneOwner: false };
  const config = loadEnvironment(name);
  return { environment: name, tier: config.tier, zoneOwner: config.edge.zoneOwner };
}

/**
 * The one resource (or data source, `data.<type>`) of a stack whose construct path ends with
 * `pathEnd`: its Terraform address and its body, to read or break. Tests name constructs, not hashes.
 */
export function at(synth: Synth, stack: string, type: string, pathEnd: string): { address: string; name: string; body: any } {
  const data = type.startsWith('data.');
  const bare = data ? type.slice(5) : type;
  const section = (data ? synth[stack].data : synth[stack].resource)?.[bare] ?? {};
  const matches = Object.entries(section).filter(([, body]) => String(body?.['//']?.metadata?.path ?? '').endsWith(`/${pathEnd}`));
  if (matches.length !== 1) throw new Error(`expected one ${type} at */${pathEnd} in ${stack}, found ${matches.length}`);
  const [name, body] = matches[0];
  return { address: `${type}.${name}`, name, body };
}
