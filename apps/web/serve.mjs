// @ts-check
/**
 * The web service's process (the image's CMD: `node apps/web/serve.mjs`), around Next.js's
 * standalone `server.js` that sits beside it:
 *  - refuses to start on bad configuration, with one message listing every problem (exit 78):
 *    a deployed instance (DROP_ENV or DROP_TIER set, or NODE_ENV=production) requires
 *    ORIGIN_VERIFY_SECRET (`current` or `current,previous`);
 *  - answers 413 to a request body over 1 MiB before Next.js reads any of it (Next would buffer up
 *    to 10 MB for its proxy before a route's CSRF check), and cuts off slow clients
 *    (`SERVER_OPTIONS`: headers within 10 s, the request within 30 s);
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
import { deploymentSigns } from '@drop/shared/deployed';
import { SERVER_OPTIONS, drainable, exitOnSignals } from '@drop/shared/drain';

const env = process.env;
const problems = [];
const signs = deploymentSigns(env);

const origin = env.ORIGIN_VERIFY_SECRET || undefined;
if (origin === undefined) {
  if (signs.length)
    problems.push(
      `ORIGIN_VERIFY_SECRET: is required in a deployed instance (${signs.join(', ')}) (only the edge may reach the service) (found: not set)`,
    );
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

/** The largest request body Next.js is handed (the app's forms are a few hundred bytes). */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * @param {import('node:http').ServerResponse} res
 */
function payloadTooLarge(res) {
  if (res.headersSent) return;
  res.writeHead(413, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    connection: 'close',
  });
  res.end(`Payload too large: a request body may hold at most ${MAX_BODY_BYTES} bytes`);
}

/**
 * Next's request listener, behind a body limit: a declared length over the limit is answered 413
 * at once; a body without a declared length (chunked) is counted as it arrives and cut off there.
 * @param {import('node:http').RequestListener} listener
 * @returns {import('node:http').RequestListener}
 */
function limitBodies(listener) {
  return (req, res) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) {
      payloadTooLarge(res);
      req.resume();
      return;
    }
    if (declared === undefined && req.headers['transfer-encoding'] !== undefined) {
      let received = 0;
      const push = req.push;
      // The parser hands the body to the stream through push: counting there reads nothing early.
      req.push = function (chunk, encoding) {
        received += chunk ? chunk.length : 0;
        if (received > MAX_BODY_BYTES) {
          payloadTooLarge(res);
          req.destroy();
          return false;
        }
        return push.call(this, chunk, encoding);
      };
    }
    listener(req, res);
  };
}

// Next's start-server creates the one HTTP server of the process with http.createServer: keep it,
// give it the shared server options and the body limit, and make it drainable with the drain's
// defaults (keep-alive 65 s; while draining, sockets idle for a second are closed).
/** @type {import('@drop/shared/drain').Drainer | undefined} */
let drainer;
const createServer = http.createServer;
// @ts-expect-error -- the same function, with the options and listener wrapped
http.createServer = (/** @type {unknown[]} */ ...args) => {
  http.createServer = createServer;
  const options = typeof args[0] === 'object' && args[0] !== null ? /** @type {import('node:http').ServerOptions} */ (args[0]) : {};
  const listener = /** @type {import('node:http').RequestListener} */ (typeof args[0] === 'function' ? args[0] : args[1]);
  const server = createServer({ ...SERVER_OPTIONS, ...options }, limitBodies(listener));
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
