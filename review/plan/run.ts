/**
 * The offline plan tier: Terraform itself plans every stack of a synth against mocked providers
 * (`terraform test` with `mock_provider` and `override_data`, terraform >= 1.7), with no
 * credentials and no network. Three parts: the toolchain (toolchain.ts), the test file
 * (test-file.ts), and here the plan of one stack.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TerraformJson } from '../terraform';
import { type FixtureContext, evaluatedComputed } from './fixtures';
import { testFile } from './test-file';
import { INIT, type Toolchain, terraform } from './toolchain';
import { type Transformed, transformForOfflinePlan } from './transform';

export * from './test-file';
export * from './toolchain';

export interface PlanResult {
  readonly stack: string;
  readonly ok: boolean;
  /** Terraform's own error blocks, as printed. */
  readonly errors: readonly string[];
  readonly notes: readonly string[];
  readonly evaluated: readonly string[];
  readonly output: string;
}

export interface PlanOptions {
  /** Created and kept (for inspection) when given; a temporary directory otherwise. */
  readonly workdir?: string;
  /** The services whose release pointers exist. @default - api and web */
  readonly releases?: readonly string[];
  /** Whether the bootstrap stack has made the environment's roles. @default true */
  readonly controlPlane?: boolean;
  /** Contract parameters no stack has published yet (their reads get no fixture). @default - none */
  readonly unpublished?: readonly string[];
}

/** `stack` as the offline plan runs it with `toolchain`: see transform.ts; computed values from the fixtures. */
export function offlineStack(toolchain: Toolchain, stack: TerraformJson, ctx: FixtureContext): Transformed {
  return transformForOfflinePlan(stack, {
    available: toolchain.available,
    knownTypes: toolchain.knownTypes,
    computed: evaluatedComputed(ctx),
  });
}

/**
 * `terraform init`, then `terraform test`, in `dir`: their output, and Terraform's error blocks
 * when either fails.
 */
export async function initAndTest(
  toolchain: Toolchain,
  dir: string,
): Promise<{ readonly ok: boolean; readonly errors: readonly string[]; readonly output: string }> {
  let output = '';
  try {
    output += (await terraform(toolchain, dir, INIT)).stdout;
    const test = await terraform(toolchain, dir, ['test', '-no-color']);
    output += test.stdout + test.stderr;
    return { ok: true, errors: [], output };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    output += `${e.stdout ?? ''}${e.stderr ?? e.message}`;
    return { ok: false, errors: errorBlocks(output), output };
  }
}

/** Plans one stack against mocked providers and realistic fixtures. */
export async function planStack(
  toolchain: Toolchain,
  name: string,
  stack: TerraformJson,
  ctx: FixtureContext,
  { workdir, releases, controlPlane, unpublished }: PlanOptions = {},
): Promise<PlanResult> {
  const transformed = offlineStack(toolchain, stack, ctx);
  const dir = workdir ?? fs.mkdtempSync(path.join(os.tmpdir(), `drop-plan-${name}-`));
  try {
    fs.mkdirSync(path.join(dir, 'tests'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(transformed.json, null, 2));
    fs.writeFileSync(path.join(dir, 'tests', 'plan.tftest.hcl'), testFile(transformed.json, ctx, releases, controlPlane, unpublished));
    const { ok, errors, output } = await initAndTest(toolchain, dir);
    return { stack: name, ok, errors, notes: transformed.notes, evaluated: transformed.evaluated, output };
  } finally {
    if (!workdir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Terraform's "Error: ..." diagnostics, one string each. */
export function errorBlocks(output: string): string[] {
  const blocks = output.split(/\n(?=(?:│ |╷\n│ )?Error: )/).filter((b) => /^(?:╷\n)?(?:│ )?Error: /.test(b.trimStart()));
  return blocks.map((b) => b.replace(/^[╷╵│] ?/gm, '').trim());
}
