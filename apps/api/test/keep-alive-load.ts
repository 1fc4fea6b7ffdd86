import http from 'node:http';

/** What the clients saw. `resets` is the one a drain must keep at 0: a request lost on a reused connection. */
export interface LoadOutcomes {
  ok: number;
  refused: number;
  resets: number;
  newConnectionResets: number;
  other: string[];
}

export interface KeepAliveLoad {
  outcomes: LoadOutcomes;
  /** Stops the clients, waits for their last requests and closes the agent. */
  stop(): Promise<void>;
}

/**
 * `clients` loops sending back-to-back GETs of `path` on keep-alive connections, as a load balancer
 * does, until `stop()`. The api and web shutdown tests send SIGTERM in the middle of it.
 */
export function keepAliveLoad(port: number, path: string, clients = 32): KeepAliveLoad {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const outcomes: LoadOutcomes = { ok: 0, refused: 0, resets: 0, newConnectionResets: 0, other: [] };
  let stopped = false;
  const once = () =>
    new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) outcomes.ok++;
          else outcomes.other.push(`status ${res.statusCode}`);
          resolve();
        });
        res.on('error', () => {
          outcomes.resets++;
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // Refused: a new connection after the listener closed (the load balancer sends it to
        // another instance). Reset or hang-up: a request lost on a connection the server had.
        if (error.code === 'ECONNREFUSED') {
          outcomes.refused++;
          setTimeout(resolve, 5);
          return;
        }
        // A reset of a reused keep-alive connection is the race: the client cannot tell whether
        // the request was processed. A new connection reset as the listener closes never
        // reached the server (the kernel's accept queue), like a refusal.
        if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || /socket hang up/.test(error.message)) {
          if (req.reusedSocket) outcomes.resets++;
          else outcomes.newConnectionResets++;
        } else outcomes.other.push(error.code ?? error.message);
        resolve();
      });
    });
  const workers = Array.from({ length: clients }, async () => {
    while (!stopped) await once();
  });
  return {
    outcomes,
    async stop() {
      stopped = true;
      await Promise.all(workers);
      agent.destroy();
    },
  };
}
