import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The median of a sample (the mean of the two middle values when there is an even number). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Milliseconds of CPU (user + system) this process's waited-for children used so far: fields 16
 * and 17 of /proc/self/stat (cutime, cstime, in USER_HZ, 100 on Linux), counted after the command
 * name. A child's own waited-for children are included, so a spawned `tsx` counts with its node.
 */
export function childrenCpu(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}

/** Wall time of a command run to its end, and the CPU time of it and every process it waited for. */
export function timed(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): { wall: number; cpu: number; ok: boolean; output: string } {
  const cpuBefore = childrenCpu();
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { ...options, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  return { wall, cpu: childrenCpu() - cpuBefore, ok: result.status === 0, output: `${result.stdout}\n${result.stderr}` };
}

/** `timed` for a synth: into a temporary output directory (CDKTF_OUTDIR), removed after; a failed synth throws. */
export function timedSynth(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): { wall: number; cpu: number } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-bench-'));
  try {
    const run = timed(command, args, { ...options, env: { ...options.env, CDKTF_OUTDIR: outdir } });
    if (!run.ok) throw new Error(`${[command, ...args].join(' ')} failed:\n${run.output}`);
    return { wall: run.wall, cpu: run.cpu };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
