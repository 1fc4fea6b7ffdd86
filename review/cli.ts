/**
 * The review CLI (`npm run review [-- --base <ref>] [--env <name>]... [--out <dir>]`, entry point
 * scripts/review.ts): the pull-request review report of every environment (or the named ones), in
 * Markdown on stdout (and one file per environment in --out). The base ref is synthesized in a
 * temporary git worktree (sharing this checkout's node_modules); when it cannot be, the report
 * says so. Returns 1 when the policy gate fails, 2 on bad arguments. The only part of review/
 * that touches git and the filesystem.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { knownEnvironments, loadEnvironment } from '../config';
import { DropError } from '../constructs/validation';
import { diffSynth } from './diff';
import { WaiverError, runGate } from './policy/gate';
import { type BaseSynth, renderReport } from './report';
import { readSynth, synthControlStack, synthEnvironment } from './synth';
import { ReviewInputError } from './terraform';
import { WAIVERS } from './waivers';

const ROOT = path.resolve(__dirname, '..');

class UsageError extends Error {}

interface Options {
  base?: string;
  environments: string[];
  out?: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { environments: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--base') options.base = value();
    else if (flag === '--env') options.environments.push(value());
    else if (flag === '--out') options.out = value();
    else throw new UsageError(`unknown argument "${flag}"; usage: npm run review [-- --base <ref>] [--env <name>]... [--out <dir>]`);
  }
  const known = knownEnvironments();
  const unknown = options.environments.filter((env) => !known.includes(env));
  if (unknown.length > 0) throw new UsageError(`unknown environment ${unknown.join(', ')}; known: ${known.join(', ')}`);
  if (options.environments.length === 0) options.environments = known;
  return options;
}

function git(args: string[], cwd = ROOT): { ok: boolean; out: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/** The name the bootstrap stack's review goes by. */
const CONTROL = 'control';

/** `origin/main` if it exists, else `main`. */
function defaultBase(): string {
  return git(['rev-parse', '--verify', '--quiet', 'origin/main^{commit}']).ok ? 'origin/main' : 'main';
}

/**
 * Synthesizes each environment at `ref` in a temporary worktree; a failure becomes the report's
 * explanation. Every synth of `main.ts` also writes the bootstrap stack (`control`): it is
 * reviewed once, under the name `control`, not with each environment.
 */
function synthBase(ref: string, environments: string[], env: NodeJS.ProcessEnv): Record<string, BaseSynth> {
  const failAll = (error: string, commit?: string) =>
    Object.fromEntries([...environments, CONTROL].map((name) => [name, { ref, commit, error }]));
  const commit = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!commit.ok) return failAll(`git cannot resolve "${ref}" to a commit`);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-review-base-'));
  const tree = path.join(temp, 'tree');
  try {
    const added = git(['worktree', 'add', '--detach', tree, commit.out]);
    if (!added.ok) return failAll(`git worktree add failed: ${added.out}`, commit.out);
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const result: Record<string, BaseSynth> = {};
    for (const name of environments) {
      if (!fs.existsSync(path.join(tree, 'config', 'environments', `${name}.json`))) {
        result[name] = {
          ref,
          commit: commit.out,
          error: `the base has no environment "${name}" (config/environments/${name}.json): it is new in this change`,
        };
        continue;
      }
      const outdir = path.join(temp, `out-${name}`);
      const run = spawnSync(tsx, ['main.ts'], {
        cwd: tree,
        encoding: 'utf8',
        env: { ...env, DROP_ENV: name, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
      });
      if (run.status !== 0) {
        result[name] = { ref, commit: commit.out, error: `synth of ${name} failed (exit ${run.status}):\n${run.stderr || run.stdout}` };
        continue;
      }
      try {
        const { control, ...stacks } = readSynth(outdir);
        result[name] = { ref, commit: commit.out, synth: stacks };
        if (control && !result[CONTROL]) result[CONTROL] = { ref, commit: commit.out, synth: { control } };
      } catch (error) {
        result[name] = { ref, commit: commit.out, error: (error as Error).message };
      }
    }
    result[CONTROL] ??= { ref, commit: commit.out, error: 'the base has no bootstrap stack (control): it is new in this change' };
    return result;
  } finally {
    git(['worktree', 'remove', '--force', tree]);
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** The environment the base synth runs with (PATH and the like). */
  readonly env: NodeJS.ProcessEnv;
}

/** Runs the review; returns the exit code. */
export function runReview(argv: string[], io: Io): number {
  try {
    const options = parseArgs(argv);
    const baseRef = options.base ?? defaultBase();
    const bases = synthBase(baseRef, options.environments, io.env);
    let ok = true;
    const reports: string[] = [];
    for (const name of [...options.environments, CONTROL]) {
      const config = name === CONTROL ? undefined : loadEnvironment(name);
      const head = config ? synthEnvironment(config) : synthControlStack();
      const base = bases[name];
      const context = config
        ? { environment: name, tier: config.tier, zoneOwner: config.edge.zoneOwner }
        : { environment: name, zoneOwner: false };
      const gate = runGate(head, context, WAIVERS);
      ok &&= gate.ok;
      const report = renderReport({ environment: name, head, base, diff: 'synth' in base ? diffSynth(base.synth, head) : undefined, gate });
      reports.push(report);
      if (options.out) {
        fs.mkdirSync(options.out, { recursive: true });
        fs.writeFileSync(path.join(options.out, `review-${name}.md`), report);
      }
    }
    io.out(reports.join('\n'));
    return ok ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`review: ${error.message}\n`);
      return 2;
    }
    if (error instanceof DropError || error instanceof ReviewInputError || error instanceof WaiverError) {
      io.err(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
