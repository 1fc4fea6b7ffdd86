/**
 * The workflows and the bootstrap stack's identities, side by side (review/trust.ts): every job
 * assumes a role that trusts its OIDC subject, no role that can change production trusts a
 * subject outside production's approval, and every secret a job reads exists where it can see it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { knownEnvironments, loadControl, loadEnvironment } from '../../config';
import { type TrustInput, rolesOf, trustProblems } from '../../review/trust';
import type { TerraformJson } from '../../review/terraform';
import { shippedMatrix } from '../../scripts/pipeline-matrix';
import { synthControl } from '../helpers';

const WORKFLOWS = path.join(__dirname, '..', '..', '.github', 'workflows');
const workflows = Object.fromEntries(
  fs.readdirSync(WORKFLOWS).map((file) => [file, load(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8'))]),
) as TrustInput['workflows'];
const control = loadControl();
const environments = knownEnvironments().map((name) => loadEnvironment(name));
const production = new Map(environments.filter((env) => env.tier === 'production').map((env) => [env.name, env.ci.githubEnvironment]));

function input(overrides: Partial<TrustInput> = {}): TrustInput {
  return {
    workflows,
    control: synthControl().parsed,
    matrix: shippedMatrix(),
    repository: control.github.repository,
    production,
    ...overrides,
  };
}

/** The shipped bootstrap synth with `edit` applied to a copy. */
function editedControl(edit: (json: any) => void): TerraformJson {
  const copy = structuredClone(synthControl().parsed) as any;
  edit(copy);
  return copy;
}

/** A workflow of one push-to-main job with these steps and settings. */
function pushWorkflow(job: Record<string, unknown>) {
  return { 'bad.yml': { on: { push: { branches: ['main'] } }, jobs: { bad: { 'runs-on': 'ubuntu-24.04', steps: [], ...job } } } } as any;
}

const assume = (role: string) => ({
  uses: 'aws-actions/configure-aws-credentials@v4',
  with: { 'role-to-assume': role, 'aws-region': 'eu-west-1' },
});

describe('the trust between the workflows and the bootstrap stack', () => {
  it('holds for every job of the shipped workflows: each assumes a role that trusts it, and reads only secrets it can see', () => {
    expect(trustProblems(input())).toEqual([]);
  });

  it("checks what it claims: the shipped workflows assume roles in 4 jobs, the pull-request plans with every environment's read-only role", () => {
    const assumed = Object.values(workflows).flatMap((w: any) =>
      Object.entries<any>(w.jobs)
        .filter(([, job]) => job.steps.some((s: any) => s.with?.['role-to-assume']))
        .map(([id]) => id),
    );
    expect(assumed.sort()).toEqual(['deploy-production', 'deploy-staging', 'plan', 'push'].sort());
    const matrix = shippedMatrix();
    expect(new Set(matrix.plans.map((leg) => leg.role.split('/')[1]))).toEqual(
      new Set(environments.map((env) => `drop-${env.name}-github-pr-plan`)),
    );
  });

  it('finds no role that can change production among those a branch or a pull request can assume', () => {
    // GIVEN the roles of the shipped bootstrap
    const roles = rolesOf(synthControl().parsed);
    const outsideApproval = roles.filter((role) =>
      role.githubSubjects.some((subject) => subject.endsWith(':pull_request') || subject.includes(':ref:refs/heads/')),
    );
    // THEN none of them may change anything (reads, and image pushes that run nothing)
    expect(outsideApproval.map((role) => role.name).sort()).toEqual(
      environments.flatMap((env) => [`drop-${env.name}-github-pr-plan`, `drop-${env.name}-github-push`]).sort(),
    );
    for (const role of outsideApproval) expect(role.changes, role.name).toEqual([]);
    // and each production release role trusts its GitHub environment alone
    for (const [name, githubEnvironment] of production) {
      expect(roles.find((role) => role.name === `drop-${name}-github-release`)!.githubSubjects).toEqual([
        `repo:${control.github.repository}:environment:${githubEnvironment}`,
      ]);
    }
  });

  it('fails, naming the job and the role, when a branch job assumes a release role', () => {
    const problems = trustProblems(
      input({ workflows: pushWorkflow({ steps: [assume('arn:aws:iam::123456789012:role/drop-production-github-release')] }) }),
    );
    expect(problems).toEqual([
      'bad.yml job bad: assumes drop-production-github-release, which does not trust its subject repo:getdrop/drop-platform:ref:refs/heads/main',
    ]);
  });

  it('fails, naming the job and the role, when a role that can change production trusts the branch (the CI role before the fix)', () => {
    // GIVEN production's release role also trusting main, as the single CI role did
    const json = editedControl((j) => {
      const trust = Object.values<any>(j.data.aws_iam_policy_document).find((d) => JSON.stringify(d).includes(`environment:production"`));
      trust.statement[0].condition[1].values.push('repo:getdrop/drop-platform:ref:refs/heads/main');
    });
    // WHEN any job of main presents the branch subject
    const problems = trustProblems(
      input({ control: json, workflows: pushWorkflow({ steps: [assume('arn:aws:iam::123456789012:role/drop-production-github-push')] }) }),
    );
    // THEN
    expect(problems).toEqual([
      expect.stringMatching(
        /^bad\.yml job bad: presents repo:getdrop\/drop-platform:ref:refs\/heads\/main, which drop-production-github-release trusts; that role can change production \(ssm:GetParameterHistory|ssm:PutParameter/,
      ),
    ]);
    expect(problems[0]).toContain('ssm:PutParameter');
  });

  it("fails when a job without an environment reads an environment's secret (the pull-request plan before the fix)", () => {
    const problems = trustProblems(
      input({
        workflows: {
          'pr.yml': {
            on: { pull_request: {} },
            jobs: {
              plan: {
                steps: [{ uses: 'hashicorp/setup-terraform@v3', with: { cli_config_credentials_token: '${{ secrets.TF_API_TOKEN }}' } }],
              },
            },
          },
        } as any,
      }),
    );
    expect(problems).toEqual([
      'pr.yml job plan: reads secrets.TF_API_TOKEN, which is not a secret of the repository (the job names no environment); it is one of the GitHub environments production, production-stockholm, staging',
    ]);
  });

  it('fails when a pull-request job assumes a role trusted only for the branch and environments (the compute plan before the fix)', () => {
    const problems = trustProblems(
      input({
        workflows: {
          'pr.yml': {
            on: { pull_request: {} },
            jobs: { plan: { steps: [assume('arn:aws:iam::123456789012:role/drop-staging-github-push')] } },
          },
        } as any,
      }),
    );
    expect(problems).toEqual([
      'pr.yml job plan: assumes drop-staging-github-push, which does not trust its subject repo:getdrop/drop-platform:pull_request',
    ]);
  });

  it('fails on a role the workflows cannot resolve (a hand-typed repository variable)', () => {
    const problems = trustProblems(input({ workflows: pushWorkflow({ steps: [assume("${{ vars['AWS_CI_ROLE_ARN_staging'] }}")] }) }));
    expect(problems).toEqual([
      expect.stringContaining("bad.yml job bad: role-to-assume cannot resolve ${{ vars['AWS_CI_ROLE_ARN_staging'] }}"),
    ]);
  });
});
