/**
 * `npm run bench`: the synth time of one environment (DROP_ENV, default staging) beside a minimal
 * CDKTF app with one resource, measured the same way in the same run: each a fresh process
 * (`tsx <entry>`), as `npm run synth` runs it, into a temporary output directory.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from './stats';

const ROOT = path.join(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const RUNS = Number(process.argv[2] ?? 7);
const environment = process.env.DROP_ENV || 'staging';

function timeOnce(entry: string): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-bench-'));
  try {
    const start = process.hrtime.bigint();
    const result = spawnSync(TSX, [entry], {
      cwd: ROOT,
      env: { ...process.env, DROP_ENV: environment, CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`${entry} failed:\n${result.stderr}`);
    return elapsed;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const subjects = { [`synth ${environment} (4 stacks)`]: 'main.ts', 'minimal app (1 resource)': 'bench/minimal-app.ts' };
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(subjects).map((name) => [name, []]));

// Warm the file cache once, then alternate the two so both see the same machine state.
for (const entry of Object.values(subjects)) timeOnce(entry);
for (let run = 0; run < RUNS; run++) {
  for (const [name, entry] of Object.entries(subjects)) samples[name].push(timeOnce(entry));
}

const [app, minimal] = Object.keys(subjects).map((name) => median(samples[name]));
console.log(`synth benchmark: median of ${RUNS} runs each, one process per run (node ${process.version}, ${os.cpus().length} cores)`);
for (const name of Object.keys(subjects)) {
  const values = samples[name];
  console.log(
    `  ${name.padEnd(28)} median ${median(values).toFixed(0).padStart(5)} ms   min ${Math.min(...values)
      .toFixed(0)
      .padStart(5)} ms   max ${Math.max(...values)
      .toFixed(0)
      .padStart(5)} ms`,
  );
}
console.log(`  ratio ${(app / minimal).toFixed(2)}x (budget: 2.00x)`);
