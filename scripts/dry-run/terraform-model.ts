/**
 * The dry run's terraform: what the stand-in binary (scripts/dry-run/terraform, which the cdktf CLI
 * and the scripts run through TERRAFORM_BINARY_NAME) forwards each call to. It keeps the applied
 * configuration of every environment's stacks (the "state") and answers the commands the pipeline
 * runs: version, init, providers, output, state pull, plan (with -out), apply (auto-approved or of a
 * saved plan). It behaves as terraform and Terraform Cloud do where the pipeline depends on it:
 *
 * - Terraform Cloud needs a token (terraform internal/cloud/backend.go): a `cloud` block without
 *   TF_TOKEN_app_terraform_io or a `credentials "app.terraform.io"` block in the CLI configuration
 *   ($TF_CLI_CONFIG_FILE, else $HOME/.terraformrc, where hashicorp/setup-terraform writes it)
 *   fails init with "Required token could not be found". A token with too few rights fails with
 *   "Insufficient rights to generate a plan" / "... to apply changes" (backend_plan.go,
 *   backend_apply.go). Which token may do what is given by the dry run (the bootstrap's tokens).
 * - A `backend` in an override file (`*_override.tf.json`) replaces the `cloud` block: the
 *   pull-request plans run on a local copy of the state and need no token for the plan.
 * - A plan is the difference between the applied configuration and this one, in terraform's own
 *   words ("will be created", "must be replaced", ...; review/plan-risks.ts reads them). What is a
 *   replacement comes from review/diff.ts's tables (ForceNew attributes, moved identities), not
 *   from provider schemas. Data sources are not read.
 * - A saved plan whose state changed since it was made is refused ("Saved plan is stale").
 * - Injected errors (`<env>/<stack>/<command>`) make the first such command fail with Terraform's
 *   error text on stderr, after init succeeded (a later one, e.g. the rollback's apply, succeeds).
 *
 * It leaves out: providers, refresh and drift, real resource values, locking, workspaces other than
 * the configured one, and the Terraform Cloud run queue (a remote run here is immediate).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { diffSynth } from '../../review/diff';
import type { TerraformJson } from '../../review/terraform';

export interface TerraformCall {
  readonly stack: string;
  readonly environment: string | null;
  readonly args: readonly string[];
  readonly status: number;
  /** The dry run's step this call ran in (`<job> (<leg>) / <step>`). */
  readonly step?: string;
}

export interface TerraformRequest {
  readonly args: string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface TerraformAnswer {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What a Terraform Cloud token may do, by workspace name. */
export interface TokenRights {
  /** Which secret the token is, for messages. */
  readonly name: string;
  readonly read: (workspace: string) => boolean;
  readonly plan: (workspace: string) => boolean;
  readonly apply: (workspace: string) => boolean;
}

export interface TerraformModelOptions {
  /** Token value → rights. */
  readonly tokens: ReadonlyMap<string, TokenRights>;
  /** Errors to inject: `<env>/<stack>/<command>` → Terraform's error text. */
  readonly errors?: Readonly<Record<string, string>>;
  /** What is deployed before the first apply of a stack (default: the configuration being planned, i.e. no changes). */
  readonly deployed?: (environment: string, stack: string, current: TerraformJson) => TerraformJson;
  /** The applied state to start from and keep (a World's, so a later dry run continues from it). */
  readonly state?: Map<string, { config: TerraformJson; serial: number }>;
  /** Called after an apply of a stack succeeded (the dry run starts services from it); a message or an error. */
  readonly onApply?: (
    environment: string,
    stack: string,
    directory: string,
    config: TerraformJson,
  ) => Promise<{ ok: boolean; message: string }>;
}

const diagnostic = (summary: string, detail: string) => `\nError: ${summary}\n\n${detail}\n`;

export class TerraformModel {
  readonly calls: TerraformCall[] = [];
  /** Applied configuration and its serial, by `<env>/<stack>`. */
  readonly state: Map<string, { config: TerraformJson; serial: number }>;
  private readonly options: TerraformModelOptions;
  private readonly injected = new Set<string>();

  constructor(options: TerraformModelOptions) {
    this.options = options;
    this.state = options.state ?? new Map();
  }

  async handle(request: TerraformRequest): Promise<TerraformAnswer> {
    const stack = path.basename(request.cwd);
    const environment = request.env.DROP_ENV ?? null;
    const answer = await this.answer(request, stack, environment ?? 'staging').catch((error: Error): TerraformAnswer => ({
      status: 1,
      stdout: '',
      stderr: `dry-run terraform: ${error.stack ?? error.message}\n`,
    }));
    this.calls.push({ stack, environment, args: request.args, status: answer.status, step: request.env.DRY_RUN_STEP });
    return answer;
  }

  private async answer(request: TerraformRequest, stack: string, environment: string): Promise<TerraformAnswer> {
    const { args, cwd } = request;
    const command = args.find((a) => !a.startsWith('-')) ?? args[0];
    const ok = (stdout: string): TerraformAnswer => ({ status: 0, stdout, stderr: '' });
    const fail = (stderr: string): TerraformAnswer => ({ status: 1, stdout: '', stderr });
    if (command === 'version' || command === '-v' || command === '-version') {
      return ok(
        args.includes('-json')
          ? `${JSON.stringify({ terraform_version: '1.11.4', platform: 'linux_amd64', provider_selections: {}, terraform_outdated: false })}\n`
          : 'Terraform v1.11.4\non linux_amd64\n',
      );
    }
    const file = path.join(cwd, 'cdk.tf.json');
    if (!existsSync(file)) return fail(diagnostic('No configuration files', `There is no cdk.tf.json in ${cwd}.`));
    const config = JSON.parse(readFileSync(file, 'utf8')) as TerraformJson;
    const workspace: string | undefined = config.terraform?.cloud?.workspaces?.name;
    const remote = workspace !== undefined && !this.overridden(cwd);
    const token = this.token(request.env);
    const rights = token === undefined ? undefined : this.options.tokens.get(token);
    /** The injected error of this command, once. */
    const injected = () => {
      const key = `${environment}/${stack}/${command}`;
      const error = this.injected.has(key) ? undefined : this.options.errors?.[key];
      if (error) this.injected.add(key);
      return error;
    };

    if (remote && ['init', 'plan', 'apply', 'state', 'output'].includes(command)) {
      if (token === undefined) {
        return fail(
          diagnostic(
            'Required token could not be found',
            'Run the following command to generate a token for app.terraform.io:\n    terraform login',
          ),
        );
      }
      if (!rights || !rights.read(workspace)) {
        return fail(
          diagnostic('Failed to read workspace', `The token (${rights?.name ?? 'unknown'}) has no access to the workspace ${workspace}.`),
        );
      }
    }
    switch (command) {
      case 'init':
        return ok(`Terraform has been successfully initialized!${remote ? ` (Terraform Cloud workspace ${workspace})` : ''}\n`);
      case 'providers':
        return ok('');
      case 'output':
        return ok('{}\n');
      case 'state': {
        if (args[1] !== 'pull')
          return fail(diagnostic('Unsupported state command', `dry-run terraform knows "state pull" only, not "${args.join(' ')}"`));
        const state = this.state.get(`${environment}/${stack}`);
        return ok(
          `${JSON.stringify({ version: 4, serial: state?.serial ?? 0, lineage: `dry-run-${environment}-${stack}`, resources: [] })}\n`,
        );
      }
      case 'plan': {
        if (remote && !rights!.plan(workspace)) {
          return fail(
            diagnostic(
              'Insufficient rights to generate a plan',
              'The provided credentials have insufficient rights to generate a plan. In order to generate plans, at least plan permissions on the workspace are required.',
            ),
          );
        }
        const planError = injected();
        if (planError) return fail(`${planError}\n`);
        const { text, serial } = this.plan(environment, stack, config);
        const out = args.find((a) => a.startsWith('-out='))?.slice('-out='.length);
        if (out) {
          writeFileSync(path.resolve(cwd, out), JSON.stringify({ environment, stack, serial, config }));
          return ok(
            `${text}\nSaved the plan to: ${out}\n\nTo perform exactly these actions, run the following command to apply:\n    terraform apply "${out}"\n`,
          );
        }
        return ok(text);
      }
      case 'apply': {
        if (remote && !rights!.apply(workspace)) {
          return fail(
            diagnostic(
              'Insufficient rights to apply changes',
              'The provided credentials have insufficient rights to apply changes. In order to apply changes at least write permissions on the workspace are required.',
            ),
          );
        }
        const planFile = args.slice(1).find((a) => !a.startsWith('-'));
        let applied = config;
        let text = '';
        if (planFile) {
          const saved = JSON.parse(readFileSync(path.resolve(cwd, planFile), 'utf8')) as { serial: number; config: TerraformJson };
          if (saved.serial !== (this.state.get(`${environment}/${stack}`)?.serial ?? 0)) {
            return fail(
              diagnostic(
                'Saved plan is stale',
                'The given plan file can no longer be applied because the state was changed by another operation after the plan was created.',
              ),
            );
          }
          applied = saved.config;
        } else {
          if (!args.includes('-auto-approve'))
            return fail(diagnostic('No value for required variable', 'apply without -auto-approve needs a terminal'));
          text = this.plan(environment, stack, config).text;
        }
        const applyError = injected();
        if (applyError) return fail(`${applyError}\n`);
        const serial = (this.state.get(`${environment}/${stack}`)?.serial ?? 0) + 1;
        this.state.set(`${environment}/${stack}`, { config: applied, serial });
        const hook = this.options.onApply ? await this.options.onApply(environment, stack, cwd, applied) : { ok: true, message: '' };
        if (!hook.ok) return fail(diagnostic('Apply failed', hook.message));
        return ok(`${text}${hook.message ? `${hook.message}\n` : ''}\nApply complete! (dry-run stand-in, ${environment}/${stack})\n`);
      }
      default:
        return fail(`dry-run terraform: "${args.join(' ')}" is not a command the stand-in knows\n`);
    }
  }

  /** The plan text: the applied configuration (or what `deployed` says) against `config`. */
  plan(environment: string, stack: string, config: TerraformJson): { text: string; serial: number } {
    const key = `${environment}/${stack}`;
    if (!this.state.has(key)) {
      this.state.set(key, { config: this.options.deployed?.(environment, stack, config) ?? config, serial: 0 });
    }
    const { config: before, serial } = this.state.get(key)!;
    const { changes } = diffSynth({ [stack]: before }, { [stack]: config });
    const lines: string[] = [];
    let [add, change, destroy] = [0, 0, 0];
    for (const c of changes) {
      if (c.kind === 'added') {
        lines.push(`  # ${c.address} will be created`);
        add++;
      } else if (c.kind === 'removed') {
        lines.push(`  # ${c.address} will be destroyed`, `  # (because ${c.address} is not in configuration)`);
        destroy++;
      } else if (c.risks.some((r) => r.kind === 'replace' || r.kind === 'replace-stateful')) {
        lines.push(`  # ${c.address} must be replaced`);
        add++;
        destroy++;
      } else {
        lines.push(`  # ${c.address} will be updated in-place`);
        change++;
      }
    }
    const text =
      lines.length === 0
        ? '\nNo changes. Your infrastructure matches the configuration.\n'
        : `\nTerraform will perform the following actions:\n\n${lines.join('\n\n')}\n\nPlan: ${add} to add, ${change} to change, ${destroy} to destroy.\n`;
    return { text, serial };
  }

  /** Is the `cloud` block replaced by a backend in an override file? */
  private overridden(cwd: string): boolean {
    return readdirSync(cwd)
      .filter((f) => /(^|_)override\.tf\.json$/.test(f))
      .some((f) => JSON.parse(readFileSync(path.join(cwd, f), 'utf8')).terraform?.backend !== undefined);
  }

  /** The token for app.terraform.io: TF_TOKEN_app_terraform_io, else the CLI configuration's credentials block. */
  private token(env: Readonly<Record<string, string | undefined>>): string | undefined {
    if (env.TF_TOKEN_app_terraform_io) return env.TF_TOKEN_app_terraform_io;
    const file = env.TF_CLI_CONFIG_FILE || (env.HOME ? path.join(env.HOME, '.terraformrc') : undefined);
    if (!file || !existsSync(file)) return undefined;
    const m = /credentials\s+"app\.terraform\.io"\s*\{\s*token\s*=\s*"([^"]*)"\s*\}/.exec(readFileSync(file, 'utf8'));
    return m?.[1] || undefined;
  }
}
