/**
 * `npm run bench:tests`: how long the infrastructure tests take against one `npm run synth`,
 * measured in the same run on the same machine. The budget is 10x: the whole infra project
 * (vitest start-up, every test file, the processes they spawn) within ten synths of an environment.
 *
 * Synth is timed as `npm run synth` runs it (a fresh process, into a temporary output directory):
 * the median of two runs before and two after the tests, after one untimed run that warms the
 * file cache. The tests are one `vitest run --project infra`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const BUDGET = 10;
const env = { ...process.env, CHECKPOINT_DISABLE: '1', NEXT_TELEMETRY_DISABLED: '1' };

function timed(command: string, args: string[], extraEnv: Record<string, string> = {}): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return elapsed;
}

function synth(): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-bench-'));
  try {
    return timed('npm', ['run', '--silent', 'synth'], { CDKTF_OUTDIR: outdir });
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

synth();
const synths = [synth(), synth()];
const tests = timed(path.join(ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--project', 'infra']);
synths.push(synth(), synth());

const baseline = median(synths);
const ratio = tests / baseline;
const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
console.log(`infra tests against one synth, same run (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`);
console.log(`  npm run synth (baseline)      median ${ms(baseline)}   runs ${synths.map((v) => v.toFixed(0)).join(', ')} ms`);
console.log(`  vitest run --project infra           ${ms(tests)}`);
console.log(`  ratio ${ratio.toFixed(1)}x (budget: ${BUDGET}x)`);
