/**
 * Loads `config/control.json` (the control plane every environment shares) and checks it against
 * every environment file: each environment must live in the control plane's Terraform Cloud
 * organization and project, in an account the file lists, with names Terraform Cloud and GitHub
 * accept. Every problem is reported in one `ConfigError`, naming the file and the value.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STACK_IDS } from '../constructs/naming';
import { problemLines, shown } from '../constructs/validation';
import { type ControlConfig, controlSchema } from './control-schema';
import { ConfigError, problemBlock } from './errors';
import type { EnvironmentConfig } from './schema';

export type { ControlConfig } from './control-schema';

export const CONTROL_FILE = path.join(__dirname, 'control.json');

/**
 * The longest workspace name Terraform Cloud accepts: 260 characters on HCP Terraform since
 * September 2023 (it was 90 before: hashicorp/terraform-docs-common#441); Terraform Enterprise
 * releases from before that still refuse more than 90, so any other host gets the old limit.
 */
export function workspaceNameLimit(hostname: string): number {
  return hostname === 'app.terraform.io' ? 260 : 90;
}
/** Characters of a workspace name ("letters, numbers, -, and _": Terraform Cloud, Workspaces API). */
const WORKSPACE_NAME = /^[A-Za-z0-9_-]+$/;

/** Reads and validates `file` (default config/control.json). */
export function loadControl(file: string = CONTROL_FILE): ControlConfig {
  const shownFile = path.relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Invalid control plane file ${shownFile}: ${(error as Error).message}`);
  }
  return parseControl(raw, shownFile);
}

/** Validates an already-parsed control plane file. */
export function parseControl(raw: unknown, source: string): ControlConfig {
  const result = controlSchema.safeParse(raw, { reportInput: true });
  if (result.success) {
    const ids = result.data.accounts.map((account) => account.id);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (twice.length === 0) return result.data;
    throw new ConfigError(
      `Invalid control plane file ${source} ${problemBlock([`accounts: lists account ${twice[0]} more than once; expected one entry per account (found: ${shown(ids)})`])}`,
    );
  }
  const problems = result.error.issues.flatMap((issue) => {
    const at = issue.path.map(String).join('.') || '(file)';
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => `${[at, key].filter((p) => p !== '(file)').join('.')}: ${issue.message}`);
    return problemLines([{ path: [at], input: issue.input, message: issue.message }]);
  });
  throw new ConfigError(`Invalid control plane file ${source} ${problemBlock(problems)}`);
}

/** The Terraform Cloud project of the control workspace. */
export function controlProjectOf(control: ControlConfig): string {
  return control.terraformCloud.controlProject ?? `${control.project}-control`;
}

/**
 * Checks every environment (`all`, as `loadEnvironments` returns them) against the control plane:
 * the one every environment's workspaces, identities and GitHub environment are made by.
 */
export function checkControlPlane(control: ControlConfig, all: readonly EnvironmentConfig[], controlFile = 'config/control.json'): void {
  const tfc = control.terraformCloud;
  const limit = workspaceNameLimit(tfc.hostname);
  const accounts = new Set(control.accounts.map((account) => account.id));
  const problems: string[] = [];
  const at = (env: EnvironmentConfig, field: string) => `config/environments/${env.name}.json ${field}`;
  for (const env of all) {
    if (env.project !== control.project) {
      problems.push(
        `${at(env, 'project')}: must be the control plane's project "${control.project}" (${controlFile}) (found: ${shown(env.project)})`,
      );
    }
    const backend = env.backend;
    if (
      backend.type !== 'cloud' ||
      backend.organization !== tfc.organization ||
      backend.hostname !== tfc.hostname ||
      backend.project !== tfc.project
    ) {
      problems.push(
        `${at(env, 'backend')}: must be the Terraform Cloud organization and project of ${controlFile}, where the bootstrap creates its workspaces ` +
          `and the pipeline runs them; expected type "cloud", organization "${tfc.organization}", project "${tfc.project}" on ${tfc.hostname} ` +
          `(found: ${shown(backend)})`,
      );
    }
    if (!accounts.has(env.aws.accountId)) {
      problems.push(
        `${at(env, 'aws.accountId')}: account ${env.aws.accountId} is not in ${controlFile} accounts, so nothing creates its OIDC providers ` +
          `(GitHub's and Terraform Cloud's) or its roles; add {"id": "${env.aws.accountId}", "oidcProviders": "create"} ` +
          `(or "existing" where another project made them) (found: ${shown(env.aws.accountId)})`,
      );
    }
    for (const stack of STACK_IDS) {
      const workspace = [env.project, env.name, stack].join('-');
      if (workspace.length > limit || !WORKSPACE_NAME.test(workspace)) {
        problems.push(
          `${at(env, 'name')}: makes the Terraform Cloud workspace name "${workspace}" (${workspace.length} characters); ` +
            `${tfc.hostname} accepts at most ${limit} letters, digits, "-" and "_" (found: ${shown(env.name)})`,
        );
      }
    }
  }
  const byGithub = new Map<string, string[]>();
  for (const env of all) byGithub.set(env.ci.githubEnvironment, [...(byGithub.get(env.ci.githubEnvironment) ?? []), env.name]);
  for (const [githubEnvironment, names] of byGithub) {
    if (names.length > 1) {
      problems.push(
        `${names.map((name) => `config/environments/${name}.json`).join(' and ')} ci.githubEnvironment: share the GitHub environment ` +
          `"${githubEnvironment}"; each environment needs its own (its approval, its Terraform Cloud token, its release role) (found: ${shown(githubEnvironment)})`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(`Invalid control plane ${problemBlock(problems)}`);
}

/**
 * The GitHub environments the workflows name that no environment file configures. GitHub creates
 * an environment a job names on first use, with no reviewers and no branch policy, so a typo or a
 * leftover would deploy without the protection the bootstrap stack sets up. Names made by an
 * expression (`${{ matrix.githubEnvironment }}`) come from the configuration and are not checked here.
 */
export function checkWorkflowEnvironments(
  workflows: Readonly<Record<string, { jobs?: Record<string, { environment?: string | { name?: string } }> }>>,
  all: readonly EnvironmentConfig[],
  dir = '.github/workflows',
): void {
  const known = [...new Set(all.map((env) => env.ci.githubEnvironment))].sort();
  const problems: string[] = [];
  for (const [file, workflow] of Object.entries(workflows)) {
    for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
      const named = typeof job.environment === 'string' ? job.environment : job.environment?.name;
      if (named === undefined || named.includes('${{') || known.includes(named)) continue;
      problems.push(
        `${dir}/${file} jobs.${id}.environment: is not the GitHub environment of any config/environments/*.json, so nothing protects it ` +
          `(GitHub would create it without reviewers or branch policy); expected one of ${known.join(', ')} (found: ${shown(named)})`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(`Invalid workflows ${problemBlock(problems)}`);
}
