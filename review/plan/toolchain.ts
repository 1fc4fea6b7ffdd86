/**
 * The terraform toolchain of the offline plan tier: the terraform binary, the provider binaries at
 * hand and what they know, and how terraform is run here.
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
import type { TerraformJson } from '../terraform';

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
export const INIT = ['init', '-input=false', '-backend=false', '-no-color'];

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

/** Provider → version the synth pins, over every stack. */
export function pinnedProviders(stacks: Readonly<Record<string, TerraformJson>>): Record<string, string> {
  const pinned: Record<string, string> = {};
  for (const stack of Object.values(stacks)) {
    for (const [name, requirement] of Object.entries<Record<string, string>>(stack.terraform?.required_providers ?? {}))
      pinned[name] = requirement.version;
  }
  return pinned;
}
