/**
 * The bootstrap stack as a whole: what it makes of the shipped configuration, and how its pieces
 * are wired to each other (roles to workspaces, team tokens to GitHub environments, accounts to
 * identities). Each construct is tested on its own in __tests__/constructs/identity and
 * __tests__/constructs/control.
 */
import { ActionsEnvironmentSecret } from '@cdktf/provider-github/lib/actions-environment-secret';
import { describe, expect, it } from 'vitest';
import { knownEnvironments, loadControl, loadEnvironment } from '../../config';
import { STACK_IDS } from '../../constructs/naming';
import { merge, synthControl } from '../helpers';
import { parseControl } from '../../config/control';

const environments = knownEnvironments();
const { json, parsed } = synthControl();
const resources = (type: string) => Object.entries<any>(parsed.resource?.[type] ?? {});
/** The resource of `type` whose Terraform name is `ref` in a `${type.ref.attr}` reference. */
const byRef = (type: string, reference: string) => {
  const name = new RegExp(`^\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.[a-z_]+\\}$`).exec(reference)?.[1];
  return parsed.resource?.[type]?.[name ?? ''];
};

describe('the bootstrap stack in Terraform Cloud', () => {
  const workspaces = resources('tfe_workspace').map(([, w]) => w);

  it('makes one workspace per environment and stack, named drop-<env>-<stack>, in the project, plus the control workspace in its own', () => {
    expect(workspaces.map((w) => w.name).sort()).toEqual(
      ['drop-control', ...environments.flatMap((env) => STACK_IDS.map((stack) => `drop-${env}-${stack}`))].sort(),
    );
    const projects = Object.fromEntries(resources('tfe_project').map(([key, p]) => [`\${tfe_project.${key}.id}`, p.name]));
    for (const workspace of workspaces) {
      expect(projects[workspace.project_id], workspace.name).toBe(workspace.name === 'drop-control' ? 'drop-control' : 'drop-platform');
    }
  });

  it("gives each environment's workspaces AWS dynamic credentials with a plan role and an apply role", () => {
    for (const env of environments) {
      const set = resources('tfe_variable_set').find(([, s]) => s.name === `drop-${env}-aws`)!;
      const variables = resources('tfe_variable').filter(([, v]) => v.variable_set_id === `\${tfe_variable_set.${set[0]}.id}`);
      expect(Object.fromEntries(variables.map(([, v]) => [v.key, v.value]))).toEqual({
        TFC_AWS_PROVIDER_AUTH: 'true',
        TFC_AWS_PLAN_ROLE_ARN: expect.stringMatching(/^\$\{aws_iam_role\.identities-.*_tfc-plan_role_[0-9A-F]{8}\.arn\}$/),
        TFC_AWS_APPLY_ROLE_ARN: expect.stringMatching(/^\$\{aws_iam_role\.identities-.*_tfc-apply_role_[0-9A-F]{8}\.arn\}$/),
      });
      expect(variables.every(([, v]) => v.category === 'env')).toBe(true);
      const attached = resources('tfe_workspace_variable_set')
        .filter(([, a]) => a.variable_set_id === `\${tfe_variable_set.${set[0]}.id}`)
        .map(([, a]) => byRef('tfe_workspace', a.workspace_id).name);
      expect(attached.sort(), env).toEqual(STACK_IDS.map((stack) => `drop-${env}-${stack}`).sort());
      // The roles are this environment's own.
      expect(variables.find(([, v]) => v.key === 'TFC_AWS_APPLY_ROLE_ARN')![1].value).toContain(`identities-${env}_`);
    }
  });

  it("gives each environment's deploy team write access to that environment's workspaces and no other", () => {
    for (const env of environments) {
      const team = resources('tfe_team').find(([, t]) => t.name === `drop-${env}-deploy`)!;
      const access = resources('tfe_team_access').filter(([, a]) => a.team_id === `\${tfe_team.${team[0]}.id}`);
      expect(access.map(([, a]) => [byRef('tfe_workspace', a.workspace_id).name, a.access]).sort(), env).toEqual(
        STACK_IDS.map((stack) => [`drop-${env}-${stack}`, 'write']).sort(),
      );
    }
  });
});

describe('the bootstrap stack in GitHub', () => {
  it('requires the configured reviewers in the production tier, without self-review, and none below it', () => {
    const byName = Object.fromEntries(resources('github_repository_environment').map(([, e]) => [e.environment, e]));
    expect(byName.production.reviewers).toEqual([
      { teams: [expect.stringMatching(/^\$\{data\.github_team\.repository_team-platform-leads_[0-9A-F]{8}\.id\}$/)], users: [] },
    ]);
    expect(byName.production.prevent_self_review).toBe(true);
    expect(byName['production-stockholm'].reviewers).toEqual(byName.production.reviewers);
    expect(byName.staging.reviewers).toBeUndefined();
  });

  it("puts each environment's own deploy token in its own GitHub environment, and only read tokens in the repository", () => {
    for (const env of environments) {
      const github = loadEnvironment(env).ci.githubEnvironment;
      const secret = resources('github_actions_environment_secret').find(
        ([, s]) => byRef('github_repository_environment', s.environment).environment === github,
      )![1];
      expect(secret.secret_name).toBe('TF_API_TOKEN');
      const token = byRef('tfe_team_token', secret.plaintext_value);
      expect(byRef('tfe_team', token.team_id).name).toBe(`drop-${env}-deploy`);
    }
    expect(json).toHaveResourceWithProperties(ActionsEnvironmentSecret, { secret_name: 'TF_API_TOKEN' });
    const repository = Object.fromEntries(resources('github_actions_secret').map(([, s]) => [s.secret_name, s.plaintext_value]));
    expect(Object.keys(repository).sort()).toEqual(['CLOUDFLARE_READ_TOKEN', 'TF_PLAN_TOKEN']);
    expect(byRef('tfe_team', byRef('tfe_team_token', repository.TF_PLAN_TOKEN).team_id).name).toBe('drop-pull-requests');
    expect(repository.CLOUDFLARE_READ_TOKEN).toBe('${var.cloudflare_read_token}');
  });
});

describe('the bootstrap stack in AWS', () => {
  it("makes each listed account's OIDC providers once, with a provider that allows that account only", () => {
    expect(parsed.provider?.aws).toEqual([
      expect.objectContaining({ alias: 'account_123456789012', allowed_account_ids: ['123456789012'] }),
    ]);
    expect(
      resources('aws_iam_openid_connect_provider')
        .map(([, p]) => p.url)
        .sort(),
    ).toEqual(['https://app.terraform.io', 'https://token.actions.githubusercontent.com']);
  });

  it('makes five roles and a boundary per environment, each in its account', () => {
    const roles = resources('aws_iam_role').map(([, r]) => r.name);
    expect(roles.sort()).toEqual(
      environments
        .flatMap((env) =>
          ['github-pr-plan', 'github-push', 'github-release', 'tfc-plan', 'tfc-apply'].map((purpose) => `drop-${env}-${purpose}`),
        )
        .sort(),
    );
    expect(
      resources('aws_iam_policy')
        .map(([, p]) => p.name)
        .sort(),
    ).toEqual(environments.map((env) => `drop-${env}-boundary`).sort());
    expect(resources('aws_iam_role').every(([, r]) => r.provider === 'aws.account_123456789012')).toBe(true);
  });

  it("keeps staging's deploys off production's resources in the shared account, and production's off nothing", () => {
    const boundary = (env: string) =>
      Object.entries<any>(parsed.data!.aws_iam_policy_document).find(([key]) => key.startsWith(`identities-${env}_boundary-document`))![1]
        .statement;
    expect(boundary('staging').find((s: any) => s.sid === 'NotOtherTiersResources').condition[0].values).toEqual([
      'production',
      'production-stockholm',
    ]);
    expect(boundary('production').some((s: any) => s.sid === 'NotOtherTiersResources')).toBe(false);
  });

  it("lets production's plan roles read staging's origin verification value (production's edge owns the shared zone's header rule)", () => {
    const denied = (env: string, purpose: string) =>
      Object.entries<any>(parsed.data!.aws_iam_policy_document)
        .find(([key]) => key.startsWith(`identities-${env}_${purpose}_permissions`))![1]
        .statement.find((s: any) => s.sid === 'NoOtherSecretValues');
    expect(denied('production', 'github-pr-plan').not_resources).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:drop/production/origin-verify-*',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:drop/staging/origin-verify-*',
    ]);
    expect(denied('staging', 'github-pr-plan').resources).toEqual(['*']);
  });
});

describe('the bootstrap stack itself', () => {
  it('keeps its state in a local file for the first run, and in the control workspace afterwards', () => {
    expect(parsed.terraform.backend).toEqual({ local: { path: '../../../terraform.drop-control.tfstate' } });
    const control = parseControl(merge(loadControl(), { state: 'terraform-cloud' }), 'config/control.json');
    const afterwards = synthControl(control).parsed;
    expect(afterwards.terraform.backend).toBeUndefined();
    expect(afterwards.terraform.cloud).toEqual({
      hostname: 'app.terraform.io',
      organization: 'getdrop',
      workspaces: { name: 'drop-control', project: 'drop-control' },
    });
  });

  it('needs both Cloudflare tokens as inputs, and keeps no token in its outputs', () => {
    expect(Object.keys(parsed.variable ?? {}).sort()).toEqual(['cloudflare_api_token', 'cloudflare_read_token']);
    expect(JSON.stringify(parsed.output)).not.toMatch(/token/i);
  });
});
