/**
 * The CDKTF app: loads the environment named by DROP_ENV (default staging) and synthesizes its
 * four stacks. This is the only place that reads process.env.
 */
import { App } from 'cdktf';
import { ConfigError, DEFAULT_ENVIRONMENT, loadEnvironment, loadZone } from './config';
import { buildPlatform, synthWarnings } from './stacks';

function main(): void {
  // Load (and validate) before the App exists: App creates the output directory.
  const config = loadEnvironment(process.env.DROP_ENV || DEFAULT_ENVIRONMENT);
  // The other environments of its Cloudflare zone: the zone owner's edge rules cover them too.
  const zone = loadZone(config);
  const app = new App();
  buildPlatform(app, config, zone);
  app.synth();
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
