/**
 * Synthesizes an environment in this process into a temporary directory and returns every
 * stack's JSON, exactly as `npm run synth` writes it. For tests and the review CLI.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { type EnvironmentConfig, loadZone } from '../config';
import { buildPlatform } from '../stacks';
import { type Synth, type TerraformJson, ReviewInputError, parseStack } from './terraform';

export function synthEnvironment(config: EnvironmentConfig, zone: readonly EnvironmentConfig[] = loadZone(config)): Synth {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-review-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    buildPlatform(app, config, zone);
    app.synth();
    return readSynth(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Reads `<outdir>/stacks/<stack>/cdk.tf.json` of every stack of a synth output directory. */
export function readSynth(outdir: string): Synth {
  const stacksDir = path.join(outdir, 'stacks');
  if (!fs.existsSync(stacksDir)) throw new ReviewInputError(`${stacksDir}: no synth output here (run npm run synth first)`);
  const synth: Record<string, TerraformJson> = {};
  for (const stack of fs.readdirSync(stacksDir).sort()) {
    const file = path.join(stacksDir, stack, 'cdk.tf.json');
    if (fs.existsSync(file)) synth[stack] = parseStack(fs.readFileSync(file, 'utf8'), file);
  }
  if (Object.keys(synth).length === 0) throw new ReviewInputError(`${stacksDir}: no stacks/<stack>/cdk.tf.json files`);
  return synth;
}
