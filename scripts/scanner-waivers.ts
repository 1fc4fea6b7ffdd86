/**
 * Writes the real scanners' waivers for one environment's synth (review/scanner-waivers.ts), for
 * the pull-request workflow's scan job, which runs trivy and checkov per stack:
 *
 *   DROP_ENV=staging npm run synth && npm run --silent scanner-waivers -- --env staging --out scanner-waivers
 *       scanner-waivers/trivy-<stack>.rego and scanner-waivers/checkov-<stack>.yaml for every stack
 *       of cdktf.out, the bootstrap stack (control) included
 *   npm run scanner-waivers -- --wider
 *       the table of docs/review-tooling.md: where a scanner waives more than we do, in every
 *       shipped environment and the bootstrap stack (synthesized here)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, type EnvironmentConfig, knownEnvironments, loadEnvironment } from '../config';
import { runGate } from '../review/policy/gate';
import { type StackWaivers, scannerWaivers, widerRows } from '../review/scanner-waivers';
import { readSynth, synthControlStack, synthEnvironment } from '../review/synth';
import type { Synth } from '../review/terraform';
import { WAIVERS } from '../review/waivers';

const CONTROL = 'control';

/** The scanners' waivers of an environment's stacks and of the bootstrap stack, from a synth that holds both. */
export function waiversOf(config: EnvironmentConfig, synth: Synth): StackWaivers[] {
  const { [CONTROL]: control, ...stacks } = synth;
  const environment = scannerWaivers(
    stacks,
    runGate(stacks, { environment: config.name, tier: config.tier, zoneOwner: config.edge.zoneOwner }, WAIVERS),
  );
  if (!control) return environment;
  const bootstrap = { [CONTROL]: control };
  return [...environment, ...scannerWaivers(bootstrap, runGate(bootstrap, { environment: CONTROL, zoneOwner: false }, WAIVERS))];
}

/** Every shipped environment's wider waivers, and the bootstrap stack's (once). */
export function shippedWider(): string[] {
  const rows = knownEnvironments().flatMap((name) => {
    const config = loadEnvironment(name);
    return waiversOf(config, synthEnvironment(config)).flatMap((w) => w.wider);
  });
  const control = waiversOf(loadEnvironment(knownEnvironments()[0]), synthControlStack()).flatMap((w) => w.wider);
  return widerRows([...rows, ...control]);
}

if (require.main === module) {
  try {
    const { values } = parseArgs({
      options: {
        env: { type: 'string' },
        out: { type: 'string' },
        synth: { type: 'string', default: 'cdktf.out' },
        wider: { type: 'boolean', default: false },
      },
      strict: true,
    });
    if (values.wider) {
      console.log('| scanner check | environment / stack | our rule | our addresses | more addresses the scanner skips |');
      console.log('|---|---|---|---|---|');
      for (const row of shippedWider()) console.log(row);
    } else {
      if (!values.env || !values.out)
        throw new ConfigError('usage: npm run scanner-waivers -- --env <environment> --out <dir> [--synth cdktf.out] | --wider');
      const config = loadEnvironment(values.env);
      mkdirSync(values.out, { recursive: true });
      for (const stack of waiversOf(config, readSynth(values.synth!))) {
        writeFileSync(path.join(values.out, `trivy-${stack.stack}.rego`), stack.trivy);
        writeFileSync(path.join(values.out, `checkov-${stack.stack}.yaml`), stack.checkov);
        const wider = stack.wider.map((w) => `checkov ${w.check} also skips ${w.also.length}`).join('; ');
        console.log(
          `${values.env}/${stack.stack}: checkov skips ${stack.checkovSkips.join(', ') || 'nothing'}${wider ? ` (${wider})` : ''}`,
        );
      }
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
