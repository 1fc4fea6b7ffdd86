/**
 * The built web service as a process, as the image runs it: the standalone build's server.js, or
 * the serve.mjs wrapper beside it (global-setup.ts builds both), in production mode on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { freePort } from '@drop/api/test/free-port';
import { WEB } from './global-setup.js';

const STANDALONE = path.join(WEB, '.next', 'standalone', 'apps', 'web');
/** Next's standalone server. */
export const SERVER = path.join(STANDALONE, 'server.js');
/** The process wrapper the image runs (configuration checks, drain) around SERVER. */
export const SERVE = path.join(STANDALONE, 'serve.mjs');

const started = new Set<ChildProcess>();

/**
 * Starts `entry` with `env` on top of PATH, NODE_ENV=production, HOSTNAME=127.0.0.1 and no
 * telemetry, on env.PORT or else a free port. `ready` resolves once GET /api/health answers 2xx
 * (rejects if the process exits first, or after `healthyWithinSeconds`), `exited` with the exit
 * code, signal and when (performance.now()), `output()` is its stdout and stderr so far.
 */
export async function startWeb(entry: string, env: Record<string, string>, healthyWithinSeconds = 20) {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOSTNAME: '127.0.0.1',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => {
      started.delete(child);
      resolve({ code, signal, at: performance.now() });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let i = 0; i < healthyWithinSeconds * 10; i++) {
      if (child.exitCode !== null) throw new Error(`web exited with ${child.exitCode}:\n${output}`);
      if (
        await fetch(`${url}/api/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`web not healthy in ${healthyWithinSeconds} s:\n${output}`);
  })();
  return { child, port, url, ready, exited, output: () => output };
}

/** Kills (SIGKILL) every web process started here that has not exited yet: for a test file's cleanup. */
export function killWebProcesses(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
