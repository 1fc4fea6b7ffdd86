/**
 * The `uses:` actions of the workflows, as the dry run models them: what each does to the runner
 * (files it writes, environment it sets, outputs), from the action's source at the version the
 * workflows pin. An action not listed here is recorded as "not run" (GitHub runs it), so a new
 * action shows up in the dry run's report instead of passing silently.
 *
 * - actions/checkout: the leg already runs in a fresh copy of the checkout.
 * - ./.github/actions/setup: not run (it is `npm ci`; the dry run uses the installed node_modules).
 * - aws-actions/configure-aws-credentials: needs `permissions: id-token: write` (without it the
 *   action fails, it cannot get the OIDC token); sets AWS_REGION and credentials whose access key id
 *   names the role, so the fake AWS records which role made each call.
 * - aws-actions/amazon-ecr-login: needs those credentials; outputs `registry`
 *   (`<account>.dkr.ecr.<region>.amazonaws.com`) and writes the docker login to
 *   $HOME/.docker/config.json.
 * - hashicorp/setup-terraform: writes `credentials "<host>" { token }` to $HOME/.terraformrc when
 *   `cli_config_credentials_token` is not empty, and nothing otherwise (lib/setup-terraform.js).
 * - actions/upload-artifact (v4): `name`, `path`, `if-no-files-found`, `overwrite`; a second upload
 *   of a name in the same run fails unless `overwrite: true`.
 * - actions/download-artifact (v4): `name` (missing: fails) or `pattern` (each match into
 *   `<path>/<name>`), into `path` (default: the workspace).
 * - docker/setup-buildx-action: nothing to do (the docker stand-in builds).
 * - actions/github-script: the script runs in Node with `github` (issue comments only: list,
 *   create, update, kept for the run; a body over GitHub's 65,536 characters is refused as GitHub's
 *   API refuses it), `context` (repo, issue number, server URL, run id), `core` and `require`.
 * - trivy and checkov: not run; they need their binaries or containers (see SCANNERS below).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Job, Step, Workflow } from './workflow';

export type ActionOutcome =
  | {
      readonly result: 'success';
      readonly output: string;
      readonly outputs?: Record<string, string>;
      readonly env?: Record<string, string>;
    }
  | { readonly result: 'failure'; readonly output: string }
  | { readonly result: 'not run'; readonly reason: string };

export interface ActionInput {
  readonly step: Step;
  /** The step's `with:`, expressions evaluated. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly job: Job;
  readonly workflow: Workflow;
  readonly workspace: string;
  readonly home: string;
  /** The environment the leg's steps see so far (with earlier actions' additions). */
  readonly env: Readonly<Record<string, string>>;
  /** This run's artifacts, one directory per name. */
  readonly artifacts: string;
  /** What github-script sees of GitHub: the repository, the pull request, and where the run keeps its comments. */
  readonly github: { readonly repository: string; readonly pullRequest?: number; readonly comments: string };
}

/** GitHub refuses an issue comment longer than this (REST API, "Create an issue comment"). */
export const COMMENT_LIMIT = 65536;

/** The module actions/github-script would run, with the parts of its API the workflows use. */
function githubScript(script: string, input: ActionInput): string {
  const [owner, repo] = input.github.repository.split('/');
  return `import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const require = createRequire(${JSON.stringify(`${input.workspace}/`)});
const store = ${JSON.stringify(input.github.comments)};
const load = () => (existsSync(store) ? JSON.parse(readFileSync(store, 'utf8')) : []);
const save = (comments) => writeFileSync(store, JSON.stringify(comments));
const check = (body) => {
  if (body.length > ${COMMENT_LIMIT}) throw new Error('Validation Failed: body is too long (maximum is ${COMMENT_LIMIT} characters), it has ' + body.length);
};
const github = {
  paginate: async (method, params) => (await method(params)).data,
  rest: {
    issues: {
      listComments: async () => ({ data: load() }),
      createComment: async ({ body }) => { check(body); const all = load(); all.push({ id: all.length + 1, body }); save(all); return { data: all.at(-1) }; },
      updateComment: async ({ comment_id, body }) => { check(body); const all = load(); all.find((c) => c.id === comment_id).body = body; save(all); return { data: {} }; },
    },
  },
};
const context = { repo: { owner: ${JSON.stringify(owner)}, repo: ${JSON.stringify(repo)} }, issue: { number: ${input.github.pullRequest ?? 0} }, serverUrl: 'https://github.com', runId: 1 };
const core = { info: console.log, setFailed: (m) => { console.error(m); process.exitCode = 1; } };
await (async () => {
${script}
})();
`;
}

/** Scanner actions, by repository: they run in GitHub only (their waivers are generated and tested offline). */
export const SCANNERS: Readonly<Record<string, string>> = {
  'aquasecurity/trivy-action':
    'trivy needs its binary and check bundle from the network; its ignore policy is generated by npm run scanner-waivers and tested',
  'bridgecrewio/checkov-action': 'checkov runs in its container; its skip lists are generated by npm run scanner-waivers and tested',
};

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(.+)$/;

function permitted(job: Job, workflow: Workflow, scope: string, level: 'read' | 'write'): boolean {
  const permissions = job.permissions ?? workflow.permissions;
  if (permissions === undefined) return scope !== 'id-token'; // GitHub's default token has no id-token permission
  if (typeof permissions === 'string') return permissions === 'write-all' || (permissions === 'read-all' && level === 'read');
  const given = permissions[scope];
  return given === 'write' || (given === 'read' && level === 'read');
}

function copyInto(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  if (statSync(source).isDirectory()) cpSync(source, target, { recursive: true });
  else cpSync(source, path.join(target, path.basename(source)));
}

export function runAction(input: ActionInput): ActionOutcome {
  const uses = input.step.uses ?? '';
  const name = uses.replace(/@.*$/, '');
  const { inputs, workspace, home, env } = input;
  switch (name) {
    case 'actions/checkout':
      return { result: 'success', output: 'the leg runs in a fresh copy of the checkout' };
    case './.github/actions/setup':
      return { result: 'not run', reason: 'npm ci would reinstall node_modules; the dry run uses the installed ones' };
    case 'docker/setup-buildx-action':
      return { result: 'success', output: 'the docker stand-in builds' };
    case 'aws-actions/configure-aws-credentials': {
      if (!permitted(input.job, input.workflow, 'id-token', 'write')) {
        return {
          result: 'failure',
          output:
            "It looks like you might be trying to authenticate with OIDC. Did you mean to set the `id-token` permission? (the job's permissions do not include id-token: write)",
        };
      }
      const role = ROLE_ARN.exec(inputs['role-to-assume'] ?? '');
      if (!role) return { result: 'failure', output: `role-to-assume ${JSON.stringify(inputs['role-to-assume'] ?? '')} is not a role ARN` };
      if (!inputs['aws-region']) return { result: 'failure', output: 'Input required and not supplied: aws-region' };
      return {
        result: 'success',
        output: `assumed ${role[2]} (OIDC) in ${inputs['aws-region']}`,
        env: {
          AWS_REGION: inputs['aws-region'],
          AWS_DEFAULT_REGION: inputs['aws-region'],
          AWS_ACCESS_KEY_ID: `role:${role[2]}`,
          AWS_SECRET_ACCESS_KEY: 'dry-run',
          AWS_SESSION_TOKEN: 'dry-run',
          DRY_RUN_ACCOUNT: role[1],
        },
      };
    }
    case 'aws-actions/amazon-ecr-login': {
      if (!env.DRY_RUN_ACCOUNT || !env.AWS_REGION) {
        return {
          result: 'failure',
          output: 'Could not login: credentials could not be loaded (no earlier configure-aws-credentials step)',
        };
      }
      const registry = `${env.DRY_RUN_ACCOUNT}.dkr.ecr.${env.AWS_REGION}.amazonaws.com`;
      mkdirSync(path.join(home, '.docker'), { recursive: true });
      writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [registry]: { auth: 'ZHJ5LXJ1bg==' } } }));
      return { result: 'success', output: `Logged into ${registry}`, outputs: { registry } };
    }
    case 'hashicorp/setup-terraform': {
      const token = inputs.cli_config_credentials_token ?? '';
      const host = inputs.cli_config_credentials_hostname || 'app.terraform.io';
      if (token) writeFileSync(path.join(home, '.terraformrc'), `credentials "${host}" {\n  token = "${token}"\n}\n`);
      return {
        result: 'success',
        output: `terraform ${inputs.terraform_version ?? ''} (the stand-in); ${token ? `credentials for ${host} in ~/.terraformrc` : 'no credentials (no token given)'}`,
      };
    }
    case 'actions/upload-artifact': {
      const artifact = inputs.name || 'artifact';
      const target = path.join(input.artifacts, artifact);
      const source = path.resolve(workspace, inputs.path ?? '');
      if (existsSync(target) && inputs.overwrite !== 'true') {
        return {
          result: 'failure',
          output: `Failed to CreateArtifact: an artifact with the name ${artifact} already exists on this workflow run`,
        };
      }
      if (!inputs.path || !existsSync(source)) {
        const mode = inputs['if-no-files-found'] || 'warn';
        if (mode === 'error')
          return {
            result: 'failure',
            output: `No files were found with the provided path: ${inputs.path}. No artifacts will be uploaded.`,
          };
        return { result: 'success', output: `No files were found with the provided path: ${inputs.path}. No artifacts will be uploaded.` };
      }
      copyInto(source, target);
      return { result: 'success', output: `uploaded ${inputs.path} as ${artifact}` };
    }
    case 'actions/download-artifact': {
      const into = path.resolve(workspace, inputs.path || '.');
      const available = existsSync(input.artifacts) ? readdirSync(input.artifacts) : [];
      if (inputs.name) {
        if (!available.includes(inputs.name))
          return { result: 'failure', output: `Unable to download artifact(s): Artifact not found for name: ${inputs.name}` };
        cpSync(path.join(input.artifacts, inputs.name), into, { recursive: true });
        return { result: 'success', output: `downloaded ${inputs.name} into ${inputs.path || '.'}` };
      }
      const pattern = new RegExp(`^${(inputs.pattern || '*').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      const matching = available.filter((a) => pattern.test(a));
      for (const artifact of matching) {
        cpSync(path.join(input.artifacts, artifact), inputs['merge-multiple'] === 'true' ? into : path.join(into, artifact), {
          recursive: true,
        });
      }
      return { result: 'success', output: `downloaded ${matching.length} artifacts matching ${inputs.pattern || '*'}` };
    }
    case 'actions/github-script': {
      const module = path.join(input.home, `github-script-${Date.now()}.mjs`);
      writeFileSync(module, githubScript(inputs.script ?? '', input));
      const child = spawnSync(process.execPath, [module], { cwd: workspace, env: { ...env }, encoding: 'utf8' });
      const output = `${child.stdout}${child.stderr}`;
      return child.status === 0 ? { result: 'success', output } : { result: 'failure', output };
    }
    default: {
      const scanner = SCANNERS[name];
      if (scanner) return { result: 'not run', reason: scanner };
      return { result: 'not run', reason: `action ${uses}: GitHub runs it` };
    }
  }
}
