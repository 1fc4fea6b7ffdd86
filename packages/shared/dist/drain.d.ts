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
export function drainable(server: import("node:http").Server, options?: DrainOptions): Drainer;
/**
 * The process's shutdown on SIGTERM or SIGINT: logs "<signal>: draining", runs `stop`, and exits 0
 * ("stopped") when it is done, or 1 when it fails or has not finished within `timeoutMs` (+250 ms:
 * `stop` is bounded by the same deadline, this is the backstop). A repeated signal changes nothing.
 * @param {number} timeoutMs
 * @param {() => Promise<void>} stop
 * @param {(message: string) => void} log
 */
export function exitOnSignals(timeoutMs: number, stop: () => Promise<void>, log: (message: string) => void): void;
/**
 * Options for `http.createServer` of both services: slow clients cannot hold a socket. The headers
 * within 10 s and the whole request within 30 s of its first byte, checked every second (Node's
 * default check runs every 30 s, so a limit could be overrun by that much). A proxy in front (the
 * edge, App Runner's or Express's load balancer) sends a request at once; these stop slow clients
 * that reach a service directly. Since Node 18 both count from a request's first byte, so an idle
 * keep-alive socket is not cut short by them (`keepAliveTimeoutMs` governs it).
 */
export const SERVER_OPTIONS: Readonly<{
    headersTimeout: 10000;
    requestTimeout: 30000;
    connectionsCheckingInterval: 1000;
}>;
export type DrainOptions = {
    /**
     * default 65000 (above the 60 s idle timeout of AWS load balancers)
     */
    keepAliveTimeoutMs?: number | undefined;
    /**
     * default 1000
     */
    idleGraceMs?: number | undefined;
};
export type Drainer = {
    /**
     * Resolves when every
     * connection is closed; destroys what is left at `deadlineMs`.
     */
    drain: (deadlineMs: number) => Promise<{
        forced: number;
    }>;
};
