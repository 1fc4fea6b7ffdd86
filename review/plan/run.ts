/**
 * The offline plan tier: Terraform itself plans every stack of a synth against mocked providers
 * (`terraform test` with `mock_provider` and `override_data`, terraform >= 1.7), with no
 * credentials and no network.
 *
 * Providers come from a filesystem mirror (`DROP_TF_PLUGIN_DIR`, else `/opt/tf-plugins` or
 * `~/.terraform.d/plugins`), or, with `download: true` (CI with registry access), from the
 * registry at the pinned versions. A provider with no binary at hand is evaluated instead of
 * planned (see transform.ts).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SERVICE_NAMES } from '../../config';
import type { TerraformJson } from '../terraform';
import {
  type FixtureContext,
  awsDataDefaults,
  awsResourceDefaults,
  contractFolderFixture,
  evaluatedComputed,
  parameterFixture,
  releaseFixture,
} from './fixtures';
import { type Transformed, transformForOfflinePlan } from './transform';

const run = promisify(execFile);

/** Provider local name → registry address. */
const SOURCES: Record<string, string> = {
  aws: 'hashicorp/aws',
  cloudflare: 'cloudflare/cloudflare',
  tfe: 'hashicorp/tfe',
  github: 'integrations/github',
};

export interface Toolchain {
  readonly terraform: string;
  /** The CLI configuration written for these plans (mirror and plugin cache). */
  readonly cliConfig: string;
  /** Provider local name → version at hand. */
  readonly available: Readonly<Record<string, string>>;
  /** The environment terraform runs with (the caller's, with the CLI configuration set). */
  readonly env: NodeJS.ProcessEnv;
  /** Types the available providers know (`resource:aws_x`, `data:aws_y`), when read. */
  readonly knownTypes?: ReadonlySet<string>;
  /** Resource types with a computed `arn` (mocked applies give them a well-formed one). */
  readonly arnTypes?: ReadonlySet<string>;
}

export interface PlanResult {
  readonly stack: string;
  readonly ok: boolean;
  /** Terraform's own error blocks, as printed. */
  readonly errors: readonly string[];
  readonly notes: readonly string[];
  readonly evaluated: readonly string[];
  readonly output: string;
}

/** Where a terraform binary is: `TERRAFORM_BINARY` or `terraform` on the PATH. */
export function findTerraform(env: NodeJS.ProcessEnv): string | undefined {
  if (env.TERRAFORM_BINARY) return fs.existsSync(env.TERRAFORM_BINARY) ? env.TERRAFORM_BINARY : undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'terraform');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The plugin directories searched for provider binaries, first match wins. */
export function pluginDirs(env: NodeJS.ProcessEnv): string[] {
  if (env.DROP_TF_PLUGIN_DIR) return [env.DROP_TF_PLUGIN_DIR];
  return ['/opt/tf-plugins', path.join(os.homedir(), '.terraform.d', 'plugins')].filter((dir) => fs.existsSync(dir));
}

/** Versions of `source` (`hashicorp/aws`) for this platform in a filesystem mirror directory. */
export function mirroredVersions(dir: string, source: string): string[] {
  const base = path.join(dir, 'registry.terraform.io', source);
  if (!fs.existsSync(base)) return [];
  const platform = `${os.platform()}_${os.arch() === 'x64' ? 'amd64' : os.arch()}`;
  return fs.readdirSync(base).filter((version) => fs.existsSync(path.join(base, version, platform)));
}

const CACHE = path.join(os.tmpdir(), 'drop-offline-plan-cache');

/**
 * The terraform binary and providers at hand. `pinned`: provider → version the synth pins; with
 * `download`, providers the mirror lacks are installed from the registry at those versions.
 */
export async function prepareToolchain(
  pinned: Readonly<Record<string, string>>,
  options: { env: NodeJS.ProcessEnv; download?: boolean },
): Promise<Toolchain | { missing: string }> {
  const env = options.env;
  const terraform = findTerraform(env);
  if (!terraform) return { missing: 'no terraform binary (set TERRAFORM_BINARY or put terraform on the PATH)' };
  const available: Record<string, string> = {};
  const mirrors: { dir: string; include: string[] }[] = [];
  for (const dir of pluginDirs(env)) {
    const include: string[] = [];
    for (const [name, version] of Object.entries(pinned)) {
      if (available[name]) continue;
      const versions = mirroredVersions(dir, SOURCES[name] ?? name);
      if (versions.length === 0) continue;
      available[name] = versions.includes(version) ? version : versions.sort().at(-1)!;
      include.push(`registry.terraform.io/${SOURCES[name] ?? name}`);
    }
    if (include.length > 0) mirrors.push({ dir, include });
  }
  const direct = options.download ? Object.keys(pinned).filter((name) => !available[name]) : [];
  for (const name of direct) available[name] = pinned[name];
  if (Object.keys(available).length === 0) return { missing: 'no provider binary at hand (no filesystem mirror, and downloads are off)' };

  fs.mkdirSync(path.join(CACHE, 'plugins'), { recursive: true });
  const cliConfig = path.join(CACHE, 'terraformrc');
  const blocks = mirrors.map(
    ({ dir, include }) => `  filesystem_mirror {\n    path    = ${JSON.stringify(dir)}\n    include = ${JSON.stringify(include)}\n  }`,
  );
  blocks.push(
    direct.length > 0
      ? `  direct {\n    include = ${JSON.stringify(direct.map((name) => `registry.terraform.io/${SOURCES[name] ?? name}`))}\n  }`
      : '  direct {\n    exclude = ["*/*/*"]\n  }',
  );
  fs.writeFileSync(
    cliConfig,
    `plugin_cache_dir = ${JSON.stringify(path.join(CACHE, 'plugins'))}\nprovider_installation {\n${blocks.join('\n')}\n}\n`,
  );
  const toolchain: Toolchain = { terraform, cliConfig, available, env };
  return { ...toolchain, ...(await schemaFacts(toolchain)) };
}

/** The resource and data source types of the available providers, read once and cached. */
async function schemaFacts(toolchain: Toolchain): Promise<{ knownTypes: ReadonlySet<string>; arnTypes: ReadonlySet<string> }> {
  const key = Object.entries(toolchain.available)
    .sort()
    .map(([n, v]) => `${n}-${v}`)
    .join('_');
  const file = path.join(CACHE, `schema-facts-${key}.json`);
  if (!fs.existsSync(file)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-plan-schema-'));
    try {
      const required = Object.fromEntries(
        Object.entries(toolchain.available).map(([n, v]) => [n, { source: SOURCES[n] ?? n, version: v }]),
      );
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: required } }));
      await terraform(toolchain, dir, INIT);
      const { stdout } = await terraform(toolchain, dir, ['providers', 'schema', '-json'], 256 * 1024 * 1024);
      const schemas = JSON.parse(stdout).provider_schemas as Record<string, { resource_schemas?: object; data_source_schemas?: object }>;
      const types = Object.values(schemas).flatMap((s) => [
        ...Object.keys(s.resource_schemas ?? {}).map((t) => `resource:${t}`),
        ...Object.keys(s.data_source_schemas ?? {}).map((t) => `data:${t}`),
      ]);
      const arns = Object.values(schemas).flatMap((s) =>
        Object.entries<any>(s.resource_schemas ?? {})
          .filter(([, schema]) => schema.block?.attributes?.arn?.computed)
          .map(([type]) => type),
      );
      fs.writeFileSync(file, JSON.stringify({ types, arns }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const facts = JSON.parse(fs.readFileSync(file, 'utf8')) as { types: string[]; arns: string[] };
  return { knownTypes: new Set(facts.types), arnTypes: new Set(facts.arns) };
}

/** `terraform init` of a throwaway directory: no backend, no prompts. */
const INIT = ['init', '-input=false', '-backend=false', '-no-color'];

export function terraform(toolchain: Toolchain, cwd: string, args: string[], maxBuffer = 32 * 1024 * 1024) {
  return run(toolchain.terraform, args, {
    cwd,
    maxBuffer,
    env: {
      ...toolchain.env,
      TF_CLI_CONFIG_FILE: toolchain.cliConfig,
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: '1',
    },
  });
}

/** HCL for a value (JSON is valid HCL for strings, numbers, lists and objects with quoted keys). */
const hcl = (value: unknown): string => JSON.stringify(value);

/** `mock_provider` blocks for every provider configuration of `stack`, with realistic AWS data. */
export function mockProviders(stack: Record<string, any>, ctx: FixtureContext, arnTypes: Iterable<string> = []): string[] {
  const lines: string[] = [];
  for (const [name, configs] of Object.entries<Record<string, any>[]>(stack.provider ?? {})) {
    for (const config of configs) {
      lines.push(`mock_provider ${hcl(name)} {`);
      if (config.alias) lines.push(`  alias = ${hcl(config.alias)}`);
      if (name === 'aws') {
        for (const [type, defaults] of Object.entries(awsDataDefaults({ ...ctx, region: config.region ?? ctx.region }))) {
          lines.push(`  mock_data ${hcl(type)} {`, `    defaults = ${hcl(defaults)}`, '  }');
        }
        // Applied resources get well-formed ARNs: the provider validates ARNs where they are used.
        const extra = awsResourceDefaults({ ...ctx, region: config.region ?? ctx.region });
        for (const type of new Set([...arnTypes, ...Object.keys(extra)])) {
          const service = type.split('_')[1];
          const arn = `arn:aws:${service}:${config.region ?? ctx.region}:${ctx.accountId}:${type.slice(4 + service.length + 1) || service}/mock`;
          lines.push(
            `  mock_resource ${hcl(type)} {`,
            `    defaults = ${hcl({ ...([...arnTypes].includes(type) ? { arn } : {}), ...extra[type] })}`,
            '  }',
          );
        }
      }
      lines.push('}');
    }
  }
  return lines;
}

/**
 * `override_data` blocks: contract parameters (except those `skip` leaves to the caller), the
 * release pointers of `releases`, and (unless `controlPlane` is false) the bootstrap's roles each
 * stack looks for before it plans.
 */
export function dataOverrides(
  stack: Record<string, any>,
  ctx: FixtureContext,
  releases: readonly string[] = SERVICE_NAMES,
  skip: (parameterName: string) => boolean = () => false,
  indent = '',
  controlPlane = true,
): string[] {
  const lines: string[] = [];
  for (const [name, body] of Object.entries<Record<string, any>>(controlPlane ? (stack.data?.aws_iam_roles ?? {}) : {})) {
    const role = /^\^([\w+=,.@-]+)\$$/.exec(String(body.name_regex ?? ''))?.[1];
    if (!role) continue;
    lines.push(
      'override_data {',
      `  target = data.aws_iam_roles.${name}`,
      `  values = ${hcl({ names: [role], arns: [`arn:aws:iam::${ctx.accountId}:role/${role}`] })}`,
      '}',
    );
  }
  for (const [name, body] of Object.entries<Record<string, any>>(stack.data?.aws_ssm_parameter ?? {})) {
    if (typeof body.name !== 'string' || body.name.includes('${') || skip(body.name)) continue;
    const value = parameterFixture(body.name, ctx);
    lines.push(
      'override_data {',
      `  target = data.aws_ssm_parameter.${name}`,
      `  values = ${hcl({ value, insecure_value: value, type: 'String' })}`,
      '}',
    );
  }
  for (const [name, body] of Object.entries<Record<string, any>>(stack.data?.aws_ssm_parameters_by_path ?? {})) {
    if (typeof body.path !== 'string') continue;
    // The release pointers, or another environment's contract folder (stacks/contract.ts, consumeAcross).
    const values = body.path.endsWith('/release') ? releaseFixture(body.path, releases, ctx) : contractFolderFixture(body.path, ctx, skip);
    if (!values) continue;
    lines.push('override_data {', `  target = data.aws_ssm_parameters_by_path.${name}`, `  values = ${hcl(values)}`, '}');
  }
  return lines.map((line) => indent + line);
}

/** A `variables` block giving every input variable without a default a placeholder (tokens the bootstrap is given). */
export function variableValues(stack: Record<string, any>): string[] {
  const required = Object.entries<Record<string, any>>(stack.variable ?? {}).filter(([, body]) => body.default === undefined);
  if (required.length === 0) return [];
  return ['variables {', ...required.map(([name]) => `  ${name} = ${hcl(`offline-${name}`)}`), '}'];
}

/** The `terraform test` file: mocked providers, realistic data, input variables, one plan. */
export function testFile(
  stack: Record<string, any>,
  ctx: FixtureContext,
  releases: readonly string[] = SERVICE_NAMES,
  controlPlane = true,
  unpublished: readonly string[] = [],
): string {
  const lines = [
    ...mockProviders(stack, ctx),
    ...dataOverrides(stack, ctx, releases, (parameter) => unpublished.includes(parameter), '', controlPlane),
    ...variableValues(stack),
    'run "plan" {',
    '  command = plan',
    '}',
  ];
  return `${lines.join('\n')}\n`;
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

/** Provider → version the synth pins, over every stack. */
export function pinnedProviders(stacks: Readonly<Record<string, TerraformJson>>): Record<string, string> {
  const pinned: Record<string, string> = {};
  for (const stack of Object.values(stacks)) {
    for (const [name, requirement] of Object.entries<Record<string, string>>(stack.terraform?.required_providers ?? {}))
      pinned[name] = requirement.version;
  }
  return pinned;
}
