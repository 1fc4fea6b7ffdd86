/** Shared test helpers: real environment files with overrides, and synthesized stacks. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Testing, type TerraformStack } from 'cdktf';
import {
  type ControlConfig,
  type EnvironmentConfig,
  knownEnvironments,
  loadControl,
  loadEnvironment,
  loadZone,
  parseEnvironment,
} from '../config';
import { readSynth, synthControlStack } from '../review/synth';
import type { Synth } from '../review/terraform';
import { buildControl, buildPlatform, type Platform } from '../stacks';
import type { ControlStack } from '../stacks/control-stack';

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** The raw JSON of a shipped environment file. */
export function rawEnvironment(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'config', 'environments', `${name}.json`), 'utf8'));
}

/** Recursively merges `patch` into a copy of `base`; `undefined` deletes a key, arrays replace. */
export function merge(base: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete result[key];
    else result[key] = merge(result[key], value);
  }
  return result;
}

/** A shipped environment with `overrides` applied, validated like synth does. */
export function environment(name: string, overrides: DeepPartial<EnvironmentConfig> | Record<string, unknown> = {}): EnvironmentConfig {
  return parseEnvironment(merge(rawEnvironment(name), overrides), `${name}.json`);
}

/** The error message that validating `raw` produces (fails the test when it validates). */
export function configErrorOf(name: string, overrides: Record<string, unknown>): string {
  try {
    environment(name, overrides);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

export interface SynthesizedPlatform {
  readonly platform: Platform;
  /** The synthesized JSON (as a string, for cdktf's matchers) of a stack. */
  json(stack: keyof Platform): string;
  /** The synthesized JSON of a stack, parsed (read-only). */
  parsed(stack: keyof Platform): TerraformJson;
  /** What a full `app.synth()` of the tree writes to manifest.json (read-only). */
  manifest(): SynthManifest;
  /** Every stack's cdk.tf.json exactly as `npm run synth` writes it, metadata included (read-only). */
  written(): Synth;
}

export interface TerraformJson {
  terraform: Record<string, any>;
  provider?: Record<string, any[]>;
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output?: Record<string, any>;
  variable?: Record<string, any>;
}

export interface SynthManifest {
  readonly stacks: Record<string, { dependencies: string[]; annotations?: { constructPath: string; level: string; message: string }[] }>;
  /** The stack files written, as `stacks/<id>/cdk.tf.json`. */
  readonly files: string[];
}

/** Freezes `value` and everything in it, so a test that writes to a shared synth fails at once. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Synths are deterministic in their input, so each distinct (environment, zone) is built once
 * per worker and shared by every test file of that worker (the infra project runs with
 * `isolate: false`): the construct tree, each stack's JSON and its parsed form, the manifest and
 * the written files, all read-only (frozen: a test that writes to them fails).
 */
const platforms = new Map<string, SynthesizedPlatform>();

/**
 * Builds the four stacks of an environment (a name: the shipped config/environments/<name>.json)
 * in an app (nothing is written until `manifest()` or `written()` asks for a full synth, into a
 * temporary directory removed at once). `zone` is every environment of its Cloudflare zone; by
 * default the shipped ones, with `config` in its place.
 * The result is shared with every other caller of the same input: read it, never change it.
 */
export function synthPlatform(config: EnvironmentConfig | string, zone?: EnvironmentConfig[]): SynthesizedPlatform {
  const env = typeof config === 'string' ? loadEnvironment(config) : config;
  const zoneEnvs = zone ?? loadZone(env);
  const key = JSON.stringify([env, zoneEnvs]);
  const cached = platforms.get(key);
  if (cached) return cached;

  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-test-'));
  let app: App;
  let platform: Platform;
  try {
    // As main.ts builds it: skipValidation leaves out cdktf's check of a local terraform binary
    // (a `terraform version` per stack), the only validation in the tree.
    app = new App({ outdir, stackTraces: false, skipValidation: true });
    platform = buildPlatform(app, env, zoneEnvs);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }

  const json = new Map<string, string>();
  const parsed = new Map<string, TerraformJson>();
  let full: { manifest: SynthManifest; written: Synth } | undefined;
  const fullSynth = () => {
    if (!full) {
      // The app made these when it was built (the directory was removed since): synth writes below them.
      fs.mkdirSync(path.join(outdir, 'stacks'), { recursive: true });
      try {
        app.synth();
        const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
        const files = fs
          .readdirSync(path.join(outdir, 'stacks'))
          .map((stack) => `stacks/${stack}/cdk.tf.json`)
          .filter((file) => fs.existsSync(path.join(outdir, file)));
        full = deepFreeze({ manifest: { stacks: manifest.stacks, files }, written: readSynth(outdir) });
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    }
    return full;
  };
  const synth: SynthesizedPlatform = {
    platform,
    json(stack) {
      if (!json.has(stack)) json.set(stack, Testing.synth(platform[stack] as TerraformStack));
      return json.get(stack)!;
    },
    parsed(stack) {
      if (!parsed.has(stack)) parsed.set(stack, deepFreeze(JSON.parse(synth.json(stack))));
      return parsed.get(stack)!;
    },
    manifest: () => fullSynth().manifest,
    written: () => fullSynth().written,
  };
  platforms.set(key, synth);
  return synth;
}

const controls = new Map<string, { stack: ControlStack; json: string; parsed: TerraformJson }>();

/**
 * The bootstrap stack of `environments` (default: every shipped one) under `control` (default:
 * config/control.json), synthesized once per input and shared like `synthPlatform` (read-only).
 */
export function synthControl(
  control: ControlConfig = loadControl(),
  environments: readonly EnvironmentConfig[] = knownEnvironments().map((name) => loadEnvironment(name)),
): { stack: ControlStack; json: string; parsed: TerraformJson } {
  const key = JSON.stringify([control, environments]);
  const cached = controls.get(key);
  if (cached) return cached;
  const stack = buildControl(testApp(), control, environments);
  // `parsed` as npm run synth writes it (construct paths included), `json` for cdktf's matchers.
  const result = {
    stack,
    json: Testing.synth(stack),
    parsed: deepFreeze(synthControlStack(control, environments).control) as TerraformJson,
  };
  controls.set(key, result);
  return result;
}

/** The manifest of a full `app.synth()` of an environment (shared, read-only, like synthPlatform). */
export function synthManifest(config: EnvironmentConfig, zone?: EnvironmentConfig[]): SynthManifest {
  return synthPlatform(config, zone).manifest();
}

/**
 * An app for constructs and stacks tested on their own, with Testing.app's settings. It writes
 * nothing (Testing.synth needs no output directory), so it leaves no `cdktf.outdir.*` behind.
 */
export function testApp(): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-test-app-'));
  try {
    return Testing.app({ outdir });
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The resources of one type in a synthesized stack, keyed by Terraform name. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The synth warnings of a stack's construct tree (what cdktf writes to the manifest). */
export function warningsOf(scope: import('constructs').IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === '@cdktf/warn')
    .map((m) => String(m.data));
}

/** The rules of the one ruleset of a phase in a synthesized stack (fails when there is none or several). */
export function rulesOf(json: TerraformJson, phase: string): any[] {
  const rulesets = Object.values(resourcesOf(json, 'cloudflare_ruleset')).filter((r: any) => r.phase === phase);
  if (rulesets.length !== 1) throw new Error(`expected one ${phase} ruleset, found ${rulesets.length}`);
  return rulesets[0].rules;
}

/**
 * Runs a command to its end, like spawnSync, without blocking the worker: tests that run several
 * at once overlap, and a test's own loopback servers keep answering while the command runs.
 */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
