// @ts-check
/**
 * The web service's process (the image's CMD: `node apps/web/serve.mjs`), around Next.js's
 * standalone `server.js` that sits beside it:
 *  - refuses to start on bad configuration, with one message listing every problem (exit 78):
 *    production requires ORIGIN_VERIFY_SECRET (`current` or `current,previous`);
 *  - drains on SIGTERM/SIGINT and exits 0, instead of Next's own handler that exits 143 and
 *    destroys idle keep-alive sockets at once (a client sending on one at that moment gets a reset):
 *    the listener stops, every response carries `Connection: close`, sockets idle for a second are
 *    closed, and whatever is left is destroyed at SHUTDOWN_TIMEOUT_MS;
 *  - keeps idle connections longer (65 s) than the load balancer in front (60 s), so the proxy,
 *    not the server, closes them.
 * The drain and the signal handling are the API's own (`@drop/shared/drain`, plain JavaScript so
 * node runs it as it is); the build copies it into the standalone output's node_modules.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { drainable, exitOnSignals } from '@drop/shared/drain';

const env = process.env;
const problems = [];
const production = env.NODE_ENV === 'production';

const origin = env.ORIGIN_VERIFY_SECRET || undefined;
if (origin === undefined) {
  if (production) problems.push('ORIGIN_VERIFY_SECRET: is required in production (only the edge may reach the service) (found: not set)');
} else {
  const values = origin.split(',').map((v) => v.trim());
  if (values.length > 2 || values.some((v) => v.length < 16)) {
    const shapes = values.map((v) => `a ${v.length}-character value`).join(', ');
    problems.push(`ORIGIN_VERIFY_SECRET: must be "current" or "current,previous", each value at least 16 characters (found: ${shapes})`);
  }
}
const shutdownRaw = env.SHUTDOWN_TIMEOUT_MS || '25000';
const shutdownTimeoutMs = Number(shutdownRaw);
if (!/^\d+$/.test(shutdownRaw) || shutdownTimeoutMs < 1) {
  problems.push(`SHUTDOWN_TIMEOUT_MS: must be a positive integer (milliseconds) (found: ${JSON.stringify(shutdownRaw)})`);
}
if (problems.length) {
  console.error(
    `Invalid web configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  process.exit(78); // EX_CONFIG
}

const log = (message) => console.error(`[web] ${message}`);

// Next installs SIGTERM/SIGINT handlers (exit 143) unless told that the process handles them.
env.NEXT_MANUAL_SIG_HANDLE = 'true';

// Next's start-server creates the one HTTP server of the process with http.createServer: keep it,
// and make it drainable with the drain's defaults (keep-alive 65 s; while draining, sockets idle
// for a second are closed).
/** @type {import('@drop/shared/drain').Drainer | undefined} */
let drainer;
const createServer = http.createServer;
// @ts-expect-error -- the same function, recording what it returns
http.createServer = (...args) => {
  http.createServer = createServer;
  const server = createServer(...args);
  drainer = drainable(server);
  return server;
};

exitOnSignals(
  shutdownTimeoutMs,
  async () => {
    const { forced } = drainer ? await drainer.drain(Math.max(1, shutdownTimeoutMs - 500)) : { forced: 0 };
    if (forced) log(`shutdown: closed ${forced} connection(s) still open at the deadline`);
  },
  log,
);

createRequire(import.meta.url)('./server.js');
