/**
 * The API as a process, started as `npm run api` starts it (node with tsx on src/server.ts), for
 * the tests that need the real process: its start-up refusals, its drain on SIGTERM, and the
 * scripts that check it over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const SERVER = path.join(ROOT, 'apps', 'api', 'src', 'server.ts');

const started = new Set<ChildProcess>();

/**
 * Starts the API with `env` on top of PATH, HOME and PORT=0 (each caller passes its own defaults).
 * `listening` resolves with the port it listens on (rejects if it exits first), `exited` with its
 * exit code and when it exited (performance.now()), `output()` is its stdout and stderr so far.
 */
export function startApiProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => {
      started.delete(child);
      resolve({ code, at: performance.now() });
    }),
  );
  const listening = new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', () => {
      const match = /listening on :(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    void exited.then(({ code }) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
  return { child, listening, exited, output: () => output };
}

/** Kills (SIGKILL) every API process started here that has not exited yet: for a test file's cleanup. */
export function killApiProcesses(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
