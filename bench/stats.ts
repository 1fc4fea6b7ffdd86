import * as fs from 'node:fs';

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
