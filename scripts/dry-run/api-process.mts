/**
 * The API process of the dry run: the real API (`startApi` of apps/api/src/server.ts, with its
 * configuration read from the environment exactly as in a container), bound to 127.0.0.1 only.
 */
import { loadConfig } from '../../apps/api/src/config.js';
import { startApi } from '../../apps/api/src/server.js';

const config = loadConfig(process.env);
const api = await startApi(config, { hostname: '127.0.0.1' });
console.error(`[api] listening on :${api.port} (${config.database.kind} database, release ${process.env.APP_VERSION ?? '?'})`);
process.once('SIGTERM', () => {
  void api.shutdown().then(() => process.exit(0));
});
