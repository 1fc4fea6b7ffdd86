/**
 * One process per embedded data directory. PGlite keeps the database in memory and writes it back
 * to the directory; two processes on one directory each work on their own copy and one silently
 * overwrites the other's writes. So the directory carries a lock file with the owner's pid and
 * host: a second process refuses to start, naming the owner. A lock left by a process that no
 * longer runs on this host (a crash, a container restarted with the same pid) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';

export const LOCK_FILE = 'drop-api.lock';
const heldHere = new Set<string>();

export class DataDirLockedError extends Error {
  constructor(dataDir: string, owner: string) {
    super(
      `DATA_DIR ${dataDir} is in use by ${owner} (lock file ${path.join(dataDir, LOCK_FILE)}): two processes on one embedded database would lose writes; stop the other process or use another DATA_DIR`,
    );
    this.name = 'DataDirLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock; resolves with the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  const file = path.resolve(dataDir, LOCK_FILE);
  if (heldHere.has(file)) throw new DataDirLockedError(dataDir, `this process (pid ${process.pid})`);
  const mine = JSON.stringify({ pid: process.pid, host: hostname() });
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, mine, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      let owner: { pid?: unknown; host?: unknown } = {};
      try {
        owner = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        // unreadable or half-written: a crash while writing it; stale
      }
      const pid = typeof owner.pid === 'number' ? owner.pid : undefined;
      const sameHost = owner.host === hostname();
      if (pid !== undefined && !sameHost) throw new DataDirLockedError(dataDir, `process ${pid} on host ${String(owner.host)}`);
      // Our own pid in the file can only be a previous incarnation (a restarted container is pid 1 again).
      if (pid !== undefined && pid !== process.pid && alive(pid)) throw new DataDirLockedError(dataDir, `process ${pid}`);
      rmSync(file, { force: true });
    }
  }
  heldHere.add(file);
  return () => {
    if (!heldHere.delete(file)) return;
    try {
      if (readFileSync(file, 'utf8') === mine) rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}
