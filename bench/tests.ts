/**
 * `npm run bench:tests`: how long the infrastructure tests take against one `npm run synth`,
 * measured in the same run on the same machine. The budget is 10x: the whole infra project
 * (vitest start-up, every test file, the processes they spawn) within ten synths of an environment.
 *
 * Synth is timed as `npm run synth` runs it (a fresh process, into a temporary output directory):
 * the median of two runs before and two after the tests, after one untimed run that warms the
 * file cache. The tests are one `vitest run --project infra`. Wall time is the budget; the CPU
 * time of each (with every process it starts) is printed beside it, as the machine may be shared.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { median, timed, timedSynth } from './stats';

const ROOT = path.join(__dirname, '..');
const BUDGET = 10;
const env = { ...process.env, CHECKPOINT_DISABLE: '1', NEXT_TELEMETRY_DISABLED: '1' };

/** One `npm run synth` of the default environment. */
const synth = () => timedSynth('npm', ['run', '--silent', 'synth'], { cwd: ROOT, env });

synth();
const synths = [synth(), synth()];
const tests = timed(path.join(ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--project', 'infra'], { cwd: ROOT, env });
synths.push(synth(), synth());

const baseline = median(synths.map((s) => s.wall));
const baselineCpu = median(synths.map((s) => s.cpu));
const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
console.log(
  `infra tests against one synth, same run (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`,
);
console.log(
  `  npm run synth (baseline)      median ${ms(baseline)} wall ${ms(baselineCpu)} CPU   runs ${synths.map((s) => s.wall.toFixed(0)).join(', ')} ms`,
);
console.log(
  `  vitest run --project infra           ${ms(tests.wall)} wall ${ms(tests.cpu)} CPU${tests.ok ? '' : '   (tests FAILED: timing kept, see `npx vitest run --project infra`)'}`,
);
console.log(
  `  ratio ${(tests.wall / baseline).toFixed(1)}x wall (budget: ${BUDGET}x); CPU ${(tests.cpu / baselineCpu).toFixed(1)}x on ${os.cpus().length} cores`,
);
if (!tests.ok) process.exitCode = 1;
