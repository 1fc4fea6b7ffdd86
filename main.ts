/**
 * The CDKTF app: loads the environment named by DROP_ENV (default staging) and synthesizes its
 * four stacks. This is the only place that reads process.env.
 */
import * as fs from 'node:fs';
import { App } from 'cdktf';
import { ConfigError, DEFAULT_ENVIRONMENT, loadEnvironment, loadZone } from './config';
import { buildPlatform, synthWarnings } from './stacks';

function main(): void {
  // Load (and validate) before the App exists: App creates the output directory.
  const config = loadEnvironment(process.env.DROP_ENV || DEFAULT_ENVIRONMENT);
  // The other environments of its Cloudflare zone: the zone owner's edge rules cover them too.
  const zone = loadZone(config);
  const app = new App();
  const fresh = fs.readdirSync(app.outdir).length === 0;
  try {
    buildPlatform(app, config, zone);
    app.synth();
  } catch (error) {
    // A construct refused its input: leave no half-written output behind.
    if (fresh) fs.rmSync(app.outdir, { recursive: true, force: true });
    throw error;
  }
  // The cdktf CLI prints these too; `npm run synth` would not otherwise show them.
  for (const warning of synthWarnings(app)) console.warn(`Warning: ${warning}`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
