/** Shared test helpers: real environment files with overrides, and synthesized stacks. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Testing, type TerraformStack } from 'cdktf';
import { type EnvironmentConfig, loadEnvironment, loadZone, parseEnvironment } from '../config';
import { buildPlatform, type Platform } from '../stacks';

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
  /** The synthesized JSON of a stack, parsed. */
  parsed(stack: keyof Platform): TerraformJson;
}

export interface TerraformJson {
  terraform: Record<string, any>;
  provider?: Record<string, any[]>;
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output?: Record<string, any>;
  variable?: Record<string, any>;
}

/**
 * Builds the four stacks of an environment in a test app (nothing is written). `zone` is every
 * environment of its Cloudflare zone; by default the shipped ones, with `config` in its place.
 */
export function synthPlatform(config: EnvironmentConfig | string, zone?: EnvironmentConfig[]): SynthesizedPlatform {
  const env = typeof config === 'string' ? loadEnvironment(config) : config;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-test-'));
  try {
    const platform = buildPlatform(new App({ outdir, stackTraces: false }), env, zone ?? loadZone(env));
    const cache = new Map<string, string>();
    const json = (stack: keyof Platform) => {
      if (!cache.has(stack)) cache.set(stack, Testing.synth(platform[stack] as TerraformStack));
      return cache.get(stack)!;
    };
    return { platform, json, parsed: (stack) => JSON.parse(json(stack)) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Runs a full `app.synth()` of an environment into a temporary directory; returns the manifest. */
export function synthManifest(
  config: EnvironmentConfig,
  zone?: EnvironmentConfig[],
): { stacks: Record<string, { dependencies: string[]; annotations?: { constructPath: string; level: string; message: string }[] }>; files: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-test-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    buildPlatform(app, config, zone ?? loadZone(config));
    app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    const files = fs.readdirSync(path.join(outdir, 'stacks')).map((stack) => `stacks/${stack}/cdk.tf.json`)
      .filter((file) => fs.existsSync(path.join(outdir, file)));
    return { stacks: manifest.stacks, files };
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
