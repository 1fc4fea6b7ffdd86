/**
 * The trust check: the workflows and the bootstrap stack's identities, side by side.
 *
 * For every job (and matrix leg) that assumes an AWS role, the OIDC subject the job presents
 * (`repo:<o>/<r>:environment:<name>` when it names a GitHub environment, else
 * `repo:<o>/<r>:pull_request` for pull requests or `repo:<o>/<r>:ref:refs/heads/<branch>` for a
 * push) must be trusted by the role it assumes, and by no role that can change a production-tier
 * environment unless the subject is that environment's own (its approval). For every secret a job
 * reads, the secret must exist where the job can see it: a repository secret, or a secret of the
 * GitHub environment the job names (GitHub gives environment secrets to those jobs only).
 *
 * What it models of GitHub: the subject claim's default format (no custom `sub` template), the
 * scopes of repository and environment secrets, and matrices given literally or as
 * `fromJSON(needs.environments.outputs.<key>)` (from npm run pipeline:matrix). It does not model
 * organization secrets, reusable workflows or fork pull requests (which get no secrets and no
 * OIDC token at all).
 */
import type { PipelineMatrix } from '../scripts/pipeline-matrix';
import { type Job, type Workflow, legs } from '../scripts/dry-run/workflow';
import { type Statement, type TerraformJson, actionMatches, policyDocument } from './terraform';

const GITHUB_SUB = 'token.actions.githubusercontent.com:sub';

/**
 * Actions that read, or only add an image to a repository (tags are immutable, and nothing runs
 * an image until the release role records it): a role allowed nothing else cannot change an
 * environment.
 */
const NON_CHANGING = [
  '*:Describe*',
  '*:Get*',
  '*:List*',
  '*:BatchGet*',
  'ecr:BatchCheckLayerAvailability',
  'kms:Decrypt',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
];

export interface TrustedRole {
  readonly name: string;
  /** The `environment` tag: the platform environment the role belongs to. */
  readonly environment?: string;
  /** The GitHub token subjects it trusts (exact values or StringLike patterns). */
  readonly githubSubjects: readonly string[];
  /** Allowed actions beyond reads and image pushes. */
  readonly changes: readonly string[];
}

/** The roles of a synthesized bootstrap stack, with what they trust and what they may change. */
export function rolesOf(control: TerraformJson): TrustedRole[] {
  const policies = Object.values<Record<string, any>>(control.resource?.aws_iam_role_policy ?? {});
  return Object.entries<Record<string, any>>(control.resource?.aws_iam_role ?? {}).map(([address, role]) => {
    const trust = policyDocument(control, role.assume_role_policy);
    const trustStatements = trust.kind === 'resolved' ? trust.statements : [];
    const githubSubjects = trustStatements
      .filter((s) => s.effect === 'Allow')
      .flatMap((s) => s.conditions.filter((c) => c.variable === GITHUB_SUB).flatMap((c) => c.values));
    const own = policies.filter((p) => p.role === `\${aws_iam_role.${address}.id}` || p.role === `\${aws_iam_role.${address}.name}`);
    const statements: Statement[] = own.flatMap((p) => {
      const document = policyDocument(control, p.policy);
      if (document.kind === 'unresolved') throw new Error(`rolesOf: the policy of ${role.name} cannot be read: ${document.reason}`);
      return document.statements;
    });
    const changes = statements
      .filter((s) => s.effect === 'Allow')
      .flatMap((s) => (s.notActions.length > 0 ? ['NotAction:*'] : s.actions))
      .filter((action) => !NON_CHANGING.some((pattern) => actionMatches(pattern, action)));
    return { name: String(role.name), environment: role.tags?.environment, githubSubjects, changes };
  });
}

const matches = (pattern: string, value: string) => actionMatches(pattern, value);

export interface TrustInput {
  /** Workflow file name → parsed workflow. */
  readonly workflows: Readonly<Record<string, Workflow & { on?: unknown }>>;
  /** The synthesized bootstrap stack. */
  readonly control: TerraformJson;
  readonly matrix: PipelineMatrix;
  /** `owner/name`. */
  readonly repository: string;
  /** The production tier's environment names, and their GitHub environments. */
  readonly production: ReadonlyMap<string, string>;
}

/** Subjects a job presents, per leg. */
function subjectsOf(workflow: Workflow & { on?: unknown }, job: Job, leg: Record<string, string>, repository: string): string[] {
  const environment =
    job.environment === undefined ? undefined : typeof job.environment === 'string' ? job.environment : job.environment.name;
  if (environment !== undefined) return [`repo:${repository}:environment:${evaluate(environment, leg)}`];
  const on = (workflow.on ?? {}) as Record<string, { branches?: string[] } | null>;
  const subjects: string[] = [];
  if ('pull_request' in on) subjects.push(`repo:${repository}:pull_request`);
  if ('push' in on) for (const branch of on.push?.branches ?? []) subjects.push(`repo:${repository}:ref:refs/heads/${branch}`);
  return subjects;
}

/** `${{ matrix.x }}` and literals; anything else cannot be resolved here. */
function evaluate(text: string, leg: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (whole, expression: string) => {
    const m = /^matrix\.([\w-]+)$/.exec(expression);
    if (m && m[1] in leg) return leg[m[1]];
    throw new Error(`cannot resolve ${whole}`);
  });
}

/** The legs of a job, with `fromJSON(needs.environments.outputs.<key>)` read from the matrix. */
function legsOf(job: Job, matrix: PipelineMatrix): Record<string, string>[] {
  const include = (job.strategy?.matrix as Record<string, unknown> | undefined)?.include;
  if (typeof include === 'string') {
    const m = /^\$\{\{\s*fromJSON\(needs\.environments\.outputs\.(\w+)\)\s*\}\}$/.exec(include);
    if (!m || !(m[1] in matrix)) throw new Error(`cannot resolve the matrix ${include}`);
    const values = (matrix as unknown as Record<string, Record<string, unknown>[]>)[m[1]];
    return values.map((value) => Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])));
  }
  return legs(job);
}

/** The secrets the bootstrap stack makes: repository ones, and each GitHub environment's. */
export function secretsOf(control: TerraformJson): { repository: Set<string>; environments: Map<string, Set<string>> } {
  const repository = new Set(Object.values<Record<string, any>>(control.resource?.github_actions_secret ?? {}).map((s) => s.secret_name));
  const environments = new Map<string, Set<string>>();
  const envNames = control.resource?.github_repository_environment ?? {};
  for (const secret of Object.values<Record<string, any>>(control.resource?.github_actions_environment_secret ?? {})) {
    const ref = /^\$\{github_repository_environment\.([A-Za-z0-9_-]+)\.environment\}$/.exec(String(secret.environment));
    const name = ref ? envNames[ref[1]]?.environment : secret.environment;
    environments.set(name, new Set([...(environments.get(name) ?? []), secret.secret_name]));
  }
  return { repository, environments };
}

/** Every problem, as "<file> job <id> (<leg>): ..." lines; none when the workflows and the identities agree. */
export function trustProblems(input: TrustInput): string[] {
  const roles = rolesOf(input.control);
  const secrets = secretsOf(input.control);
  const productionGithubEnvironments = new Set(input.production.values());
  const writesProduction = (role: TrustedRole) =>
    role.environment !== undefined && input.production.has(role.environment) && role.changes.length > 0;
  const problems: string[] = [];
  for (const [file, workflow] of Object.entries(input.workflows)) {
    for (const [id, job] of Object.entries(workflow.jobs)) {
      let jobLegs: Record<string, string>[];
      try {
        jobLegs = legsOf(job, input.matrix);
      } catch (error) {
        problems.push(`${file} job ${id}: ${(error as Error).message}`);
        continue;
      }
      for (const leg of jobLegs) {
        const where = `${file} job ${id}${Object.keys(leg).length > 0 ? ` (${leg.environment ?? Object.values(leg).join('/')})` : ''}`;
        let subjects: string[];
        try {
          subjects = subjectsOf(workflow, job, leg, input.repository);
        } catch (error) {
          problems.push(`${where}: environment ${(error as Error).message}`);
          continue;
        }
        const environment = subjects.find((s) => s.includes(':environment:'))?.split(':environment:')[1];
        // Roles that could change production and would accept this job's token.
        for (const subject of subjects) {
          const approved = environment !== undefined && productionGithubEnvironments.has(environment);
          for (const role of roles.filter(writesProduction)) {
            if (!approved && role.githubSubjects.some((pattern) => matches(pattern, subject))) {
              problems.push(
                `${where}: presents ${subject}, which ${role.name} trusts; that role can change production (${role.changes.slice(0, 3).join(', ')}) without its approval`,
              );
            }
          }
        }
        for (const step of job.steps) {
          const roleToAssume = (step as { with?: Record<string, string> }).with?.['role-to-assume'];
          if (!step.uses?.startsWith('aws-actions/configure-aws-credentials') || roleToAssume === undefined) continue;
          let arn: string;
          try {
            arn = evaluate(String(roleToAssume), leg);
          } catch (error) {
            problems.push(`${where}: role-to-assume ${(error as Error).message}`);
            continue;
          }
          const role = roles.find((r) => arn.endsWith(`:role/${r.name}`));
          if (!role) {
            problems.push(`${where}: assumes ${arn}, which the bootstrap stack does not make`);
            continue;
          }
          for (const subject of subjects) {
            if (!role.githubSubjects.some((pattern) => matches(pattern, subject)))
              problems.push(`${where}: assumes ${role.name}, which does not trust its subject ${subject}`);
          }
        }
        const visible = new Set([...secrets.repository, ...(environment ? (secrets.environments.get(environment) ?? []) : [])]);
        const read = new Set(
          [...JSON.stringify([job.steps, job.env ?? {}]).matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]),
        );
        for (const secret of [...read].filter((name) => name !== 'GITHUB_TOKEN' && !visible.has(name))) {
          const scope = environment
            ? `the repository or the GitHub environment ${environment}`
            : 'the repository (the job names no environment)';
          const elsewhere = [...secrets.environments]
            .filter(([, names]) => names.has(secret))
            .map(([name]) => name)
            .sort();
          problems.push(
            `${where}: reads secrets.${secret}, which is not a secret of ${scope}` +
              (elsewhere.length > 0 ? `; it is one of the GitHub environments ${elsewhere.join(', ')}` : ''),
          );
        }
      }
    }
  }
  return problems;
}
