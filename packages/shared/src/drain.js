// @ts-check
/**
 * Graceful HTTP drain for a rolling update, without the keep-alive race.
 *
 * Node's `server.close()` destroys every idle keep-alive socket at once. A client (or the load
 * balancer) that picked such a socket and is sending a request on it at that instant gets a
 * connection reset instead of a response. So, while draining:
 *  - the listener stops accepting, but open sockets are not destroyed;
 *  - every response carries `Connection: close`, so the client stops reusing the socket and Node
 *    closes it once the response is written;
 *  - a socket closes once it has been idle for `idleGraceMs` (a busy socket receives its
 *    `Connection: close` with its next response instead);
 *  - whatever is still open at `deadlineMs` is destroyed.
 * Outside a drain, `keepAliveTimeoutMs` should exceed the load balancer's idle timeout, so the
 * proxy, not the server, closes idle connections (the same race, in normal operation). A request
 * itself must arrive within `SERVER_OPTIONS`' limits (pass them to `http.createServer`).
 *
 * `exitOnSignals` is the process's end of it: SIGTERM drains, then exits 0 within the deadline.
 *
 * Plain JavaScript with JSDoc types, so that both services run this one copy: the API imports it
 * from TypeScript (tsc checks and emits it), and the web's process wrapper (apps/web/serve.mjs,
 * which node runs as it is, beside Next's standalone server) imports it at run time.
 */
import { Server as NetServer } from 'node:net';

/**
 * Options for `http.createServer` of both services: slow clients cannot hold a socket. The headers
 * within 10 s and the whole request within 30 s of its first byte, checked every second (Node's
 * default check runs every 30 s, so a limit could be overrun by that much). A proxy in front (the
 * edge, App Runner's or Express's load balancer) sends a request at once; these stop slow clients
 * that reach a service directly. Since Node 18 both count from a request's first byte, so an idle
 * keep-alive socket is not cut short by them (`keepAliveTimeoutMs` governs it).
 */
export const SERVER_OPTIONS = Object.freeze({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1000 });

/**
 * @typedef {object} DrainOptions
 * @property {number} [keepAliveTimeoutMs] default 65000 (above the 60 s idle timeout of AWS load balancers)
 * @property {number} [idleGraceMs] default 1000
 */

/**
 * @typedef {object} Drainer
 * @property {(deadlineMs: number) => Promise<{ forced: number }>} drain Resolves when every
 *   connection is closed; destroys what is left at `deadlineMs`.
 */

/**
 * @param {import('node:http').Server} server
 * @param {DrainOptions} [options]
 * @returns {Drainer}
 */
export function drainable(server, options = {}) {
  const idleGraceMs = options.idleGraceMs ?? 1000;
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 65_000;
  server.headersTimeout = SERVER_OPTIONS.headersTimeout;
  server.requestTimeout = SERVER_OPTIONS.requestTimeout;

  /** @type {Map<import('node:net').Socket, number>} requests in progress per socket */
  const active = new Map();
  /** @type {Map<import('node:net').Socket, number>} since when a socket has been idle */
  const idleSince = new Map();
  let draining = false;

  server.on('connection', (socket) => {
    active.set(socket, 0);
    idleSince.set(socket, Date.now());
    socket.once('close', () => {
      active.delete(socket);
      idleSince.delete(socket);
    });
  });
  server.prependListener('request', (req, res) => {
    const socket = req.socket;
    active.set(socket, (active.get(socket) ?? 0) + 1);
    idleSince.delete(socket);
    if (draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      const left = (active.get(socket) ?? 1) - 1;
      active.set(socket, left);
      if (left === 0) idleSince.set(socket, Date.now());
    });
  });

  return {
    drain(deadlineMs) {
      draining = true;
      return new Promise((resolve) => {
        let forced = 0;
        // net.Server#close: stop accepting; unlike http.Server#close it leaves idle sockets alone.
        NetServer.prototype.close.call(server, () => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve({ forced });
        });
        const sweep = setInterval(
          () => {
            const now = Date.now();
            for (const [socket, since] of idleSince) if (now - since >= idleGraceMs && active.get(socket) === 0) socket.end();
          },
          Math.max(10, Math.min(100, idleGraceMs / 4)),
        );
        const deadline = setTimeout(() => {
          forced = active.size;
          for (const socket of active.keys()) socket.destroy();
        }, deadlineMs);
      });
    },
  };
}

/**
 * The process's shutdown on SIGTERM or SIGINT: logs "<signal>: draining", runs `stop`, and exits 0
 * ("stopped") when it is done, or 1 when it fails or has not finished within `timeoutMs` (+250 ms:
 * `stop` is bounded by the same deadline, this is the backstop). A repeated signal changes nothing.
 * @param {number} timeoutMs
 * @param {() => Promise<void>} stop
 * @param {(message: string) => void} log
 */
export function exitOnSignals(timeoutMs, stop, log) {
  let stopping = false;
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: draining`);
    setTimeout(() => {
      log(`shutdown: not finished after ${timeoutMs} ms, exiting`);
      process.exit(1);
    }, timeoutMs + 250).unref();
    stop().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (/** @type {Error} */ error) => {
        log(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
