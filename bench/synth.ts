/**
 * `npm run bench`: the synth time of one environment (DROP_ENV, default staging) beside a minimal
 * CDKTF app with one resource, measured the same way in the same run: each a fresh process
 * (`tsx <entry>`, as issue 26 set the target; `npm run synth` and cdktf run `node --import tsx`,
 * one process fewer), into a temporary output directory. Wall time and
 * CPU time (user + system of the process tree, bench/stats.ts): on a machine others share, CPU time
 * moves far less than wall time.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { median, timedSynth } from './stats';

const ROOT = path.join(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const RUNS = Number(process.argv[2] ?? 7);
const environment = process.env.DROP_ENV || 'staging';

function timeOnce(entry: string): { wall: number; cpu: number } {
  return timedSynth(TSX, [entry], { cwd: ROOT, env: { ...process.env, DROP_ENV: environment } });
}

const subjects = { [`synth ${environment} (5 stacks)`]: 'main.ts', 'minimal app (1 resource)': 'bench/minimal-app.ts' };
const samples: Record<string, { wall: number; cpu: number }[]> = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));

// Warm the file cache once, then alternate the two so both see the same machine state.
for (const entry of Object.values(subjects)) timeOnce(entry);
for (let run = 0; run < RUNS; run++) {
  for (const [name, entry] of Object.entries(subjects)) samples[name].push(timeOnce(entry));
}

const wall = (name: string) => samples[name].map((sample) => sample.wall);
const cpu = (name: string) => samples[name].map((sample) => sample.cpu);
const [app, minimal] = Object.keys(subjects);
console.log(`synth benchmark: median of ${RUNS} runs each, one process per run (node ${process.version}, ${os.cpus().length} cores)`);
for (const name of Object.keys(subjects)) {
  const values = wall(name);
  const [low, high] = [Math.min(...values), Math.max(...values)].map((ms) => ms.toFixed(0));
  console.log(
    `  ${name.padEnd(28)} wall median ${median(values).toFixed(0).padStart(5)} ms (min ${low}, max ${high})   CPU median ${median(cpu(name))
      .toFixed(0)
      .padStart(5)} ms`,
  );
}
const target = 1.4;
const wallRatio = median(wall(app)) / median(wall(minimal));
console.log(`  ratio, wall ${wallRatio.toFixed(2)}x (target: ${target.toFixed(2)}x or less)`);
console.log(`  ratio, CPU  ${(median(cpu(app)) / median(cpu(minimal))).toFixed(2)}x`);
