/**
 * Synthesizes an environment (or the bootstrap stack) in this process into a temporary directory
 * and returns every stack's JSON, exactly as `npm run synth` writes it. For tests and the review CLI.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { type ControlConfig, type EnvironmentConfig, knownEnvironments, loadControl, loadEnvironment, loadZone } from '../config';
import { buildControl, buildPlatform } from '../stacks';
import { type Synth, type TerraformJson, ReviewInputError, parseStack } from './terraform';

export function synthEnvironment(config: EnvironmentConfig, zone: readonly EnvironmentConfig[] = loadZone(config)): Synth {
  return synthInto((app) => buildPlatform(app, config, zone));
}

/** The bootstrap stack of every shipped environment (or `all`), as `npm run synth` writes it: `{ control }`. */
export function synthControlStack(
  control: ControlConfig = loadControl(),
  all: readonly EnvironmentConfig[] = knownEnvironments().map((name) => loadEnvironment(name)),
): Synth {
  return synthInto((app) => buildControl(app, control, all));
}

function synthInto(build: (app: App) => void): Synth {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-review-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    build(app);
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
