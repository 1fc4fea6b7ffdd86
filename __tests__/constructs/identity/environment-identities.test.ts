import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import type { ComputeEngine } from '../../../constructs/compute/engines';
import { EnvironmentIdentities, type EnvironmentIdentitiesProps } from '../../../constructs/identity/environment-identities';
import { AccountOidcProviders, GITHUB_ISSUER, terraformCloudIssuer } from '../../../constructs/identity/oidc';
import { awsServiceOf } from '../../../constructs/identity/policies';
import { Naming, STACK_IDS } from '../../../constructs/naming';
import { synthPlatform, testApp } from '../../helpers';

const REPO = 'getdrop/drop-platform';

/** A test stack holding only the account's OIDC providers and one environment's identities. */
function identities(overrides: Partial<EnvironmentIdentitiesProps> & { mode?: 'create' | 'existing'; engine?: ComputeEngine } = {}) {
  const stack = new TerraformStack(testApp(), 'test');
  const oidc = new AccountOidcProviders(stack, 'oidc', {
    mode: overrides.mode ?? 'create',
    issuers: [GITHUB_ISSUER, terraformCloudIssuer('app.terraform.io')],
  });
  const naming = new Naming({ project: 'drop', name: 'staging' });
  new EnvironmentIdentities(stack, 'identities', {
    naming,
    accountId: '123456789012',
    region: 'eu-west-1',
    engine: overrides.engine ?? 'app-runner',
    services: ['web', 'api'],
    github: { repository: REPO, deployBranch: 'main', environment: 'staging' },
    terraformCloud: { organization: 'getdrop', project: 'drop-platform', hostname: 'app.terraform.io' },
    oidc,
    refreshedSecrets: ['drop/staging/jwt-secret'],
    planSecrets: [],
    protectedEnvironments: ['production'],
    controlPlaneArns: ['arn:aws:iam::123456789012:role/drop-production-github-release'],
    ...overrides,
  });
  const json = Testing.synth(stack);
  const parsed = JSON.parse(json);
  const documents = parsed.data.aws_iam_policy_document as Record<string, { statement: any[] }>;
  /** The statements of the document whose construct id starts with `<purpose>_<document>`. */
  const document = (purpose: string, which: 'trust' | 'permissions') =>
    Object.entries(documents).find(([key]) => key.startsWith(`identities_${purpose}_${which}_`))![1].statement;
  const role = (purpose: string) => Object.values<any>(parsed.resource.aws_iam_role).find((r) => r.name === `drop-staging-${purpose}`);
  return { json, parsed, document, role };
}

const subjectsOf = (trust: any[]) => trust[0].condition.find((c: any) => c.variable.endsWith(':sub')).values;
const audienceOf = (trust: any[]) => trust[0].condition.find((c: any) => c.variable.endsWith(':aud')).values;

describe('EnvironmentIdentities', () => {
  it('makes one role per purpose, each trusted for exactly one kind of token subject', () => {
    // GIVEN / WHEN
    const { document, json } = identities();
    // THEN
    expect(json).toHaveResourceWithProperties(IamRole, { name: 'drop-staging-github-pr-plan', max_session_duration: 3600 });
    expect(subjectsOf(document('github-pr-plan', 'trust'))).toEqual([`repo:${REPO}:pull_request`]);
    expect(subjectsOf(document('github-push', 'trust'))).toEqual([`repo:${REPO}:ref:refs/heads/main`]);
    expect(subjectsOf(document('github-release', 'trust'))).toEqual([`repo:${REPO}:environment:staging`]);
    for (const purpose of ['github-pr-plan', 'github-push', 'github-release']) {
      expect(audienceOf(document(purpose, 'trust'))).toEqual(['sts.amazonaws.com']);
      expect(document(purpose, 'trust')[0].condition.every((c: any) => c.test === 'StringEquals')).toBe(true);
    }
    for (const phase of ['plan', 'apply']) {
      const trust = document(`tfc-${phase}`, 'trust');
      expect(audienceOf(trust)).toEqual(['aws.workload.identity']);
      expect(trust[0].condition.map((c: any) => c.variable)).toEqual(['app.terraform.io:aud', 'app.terraform.io:sub']);
      // Named workspaces, not a wildcard: drop-production-* would also match production-stockholm's.
      expect(subjectsOf(trust)).toEqual(
        STACK_IDS.map((stack) => `organization:getdrop:project:drop-platform:workspace:drop-staging-${stack}:run_phase:${phase}`),
      );
    }
  });

  it('lets the push role push to and read the scans of its two repositories only', () => {
    const { document } = identities();
    const [login, push] = document('github-push', 'permissions');
    expect(login.actions).toEqual(['ecr:GetAuthorizationToken']);
    expect(push.resources).toEqual([
      'arn:aws:ecr:eu-west-1:123456789012:repository/drop-staging/web',
      'arn:aws:ecr:eu-west-1:123456789012:repository/drop-staging/api',
    ]);
    expect(push.actions.every((action: string) => action.startsWith('ecr:') && !action.includes('Delete'))).toBe(true);
    expect(document('github-push', 'permissions')).toHaveLength(2);
  });

  it("lets the release role write its environment's release pointers and read its alarms, and nothing of a load balancer but Describe", () => {
    const { document } = identities({ engine: 'ecs-express' });
    const statements = document('github-release', 'permissions');
    expect(statements.find((s: any) => s.sid === 'ReleasePointers')).toEqual({
      sid: 'ReleasePointers',
      effect: 'Allow',
      actions: ['ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:PutParameter'],
      resources: ['arn:aws:ssm:eu-west-1:123456789012:parameter/drop/staging/release/*'],
    });
    expect(statements.find((s: any) => s.sid === 'ReadAlarms').resources).toEqual([
      'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:drop-staging-*',
    ]);
    const elb = statements.flatMap((s: any) => s.actions).filter((a: string) => a.startsWith('elasticloadbalancing:'));
    expect(elb.every((a: string) => a.startsWith('elasticloadbalancing:Describe'))).toBe(true);
  });

  it("lets the release role run the release's migration job, in the jobs cluster, with its execution role only", () => {
    const statements = identities().document('github-release', 'permissions');
    const sid = (name: string) => statements.find((s: any) => s.sid === name);
    expect(sid('RunMigrationJob')).toEqual({
      sid: 'RunMigrationJob',
      effect: 'Allow',
      actions: ['ecs:RunTask'],
      resources: ['arn:aws:ecs:eu-west-1:123456789012:task-definition/drop-staging-db-migrate:*'],
      condition: [{ test: 'ArnEquals', variable: 'ecs:cluster', values: ['arn:aws:ecs:eu-west-1:123456789012:cluster/drop-staging-jobs'] }],
    });
    expect(sid('PassMigrationRole').resources).toEqual(['arn:aws:iam::123456789012:role/drop-staging-db-migrate-execution']);
    expect(sid('PassMigrationRole').condition[0]).toEqual({
      test: 'StringEquals',
      variable: 'iam:PassedToService',
      values: ['ecs-tasks.amazonaws.com'],
    });
    expect(sid('TagMigrationJob').condition[0].values).toEqual(['RegisterTaskDefinition']);
    expect(sid('ReadContract').resources).toEqual([
      'arn:aws:ssm:eu-west-1:123456789012:parameter/drop/staging/registry/*',
      'arn:aws:ssm:eu-west-1:123456789012:parameter/drop/staging/data/*',
    ]);
  });

  it('lets the plan roles read configuration, never log contents, and only the secret values their plans read', () => {
    const { document } = identities({ planSecrets: ['drop/staging/origin-verify'] });
    const pr = document('github-pr-plan', 'permissions');
    const tfc = document('tfc-plan', 'permissions');
    for (const statements of [pr, tfc]) {
      expect(statements[0].actions).toContain('rds:Describe*');
      expect(statements[0].actions.every((a: string) => /:(Describe|Get|List)\*$/.test(a))).toBe(true);
      expect(statements.find((s: any) => s.sid === 'NoLogContents').actions).toContain('logs:GetLogEvents');
    }
    // A pull request's plan does not refresh (-refresh=false): the edge's origin verification value only.
    expect(pr.find((s: any) => s.sid === 'NoOtherSecretValues').not_resources).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:drop/staging/origin-verify-*',
    ]);
    // Terraform Cloud's refresh reads the versions Terraform wrote (GetSecretValue, even write-only).
    expect(tfc.find((s: any) => s.sid === 'NoOtherSecretValues').not_resources).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:drop/staging/jwt-secret-*',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:drop/staging/origin-verify-*',
    ]);
  });

  it('denies every secret value to a plan role that needs none', () => {
    const { document } = identities({ refreshedSecrets: [] });
    const deny = document('github-pr-plan', 'permissions').find((s: any) => s.sid === 'NoOtherSecretValues');
    expect(deny).toEqual({ sid: 'NoOtherSecretValues', effect: 'Deny', actions: ['secretsmanager:GetSecretValue'], resources: ['*'] });
    expect(document('github-pr-plan', 'permissions').some((s: any) => s.sid === 'DecryptSecretValues')).toBe(false);
  });

  it('binds the apply role, and every role a deploy creates, to the permissions boundary', () => {
    const { role, json, parsed } = identities();
    expect(role('tfc-apply').permissions_boundary).toMatch(/^\$\{aws_iam_policy\.identities_boundary_[0-9A-F]{8}\.arn\}$/);
    expect(role('tfc-apply').max_session_duration).toBe(7200);
    expect(json).toHaveResourceWithProperties(IamPolicy, { name: 'drop-staging-boundary' });
    const boundary = Object.entries<any>(parsed.data.aws_iam_policy_document).find(([key]) =>
      key.startsWith('identities_boundary-document'),
    )![1].statement;
    expect(boundary.map((s: any) => s.sid)).toEqual([
      'Deploy',
      'NotOtherTiersResources',
      'NotOtherTiersTags',
      'ControlPlaneReadOnly',
      'RolesKeepTheBoundary',
      'NoWayOut',
      'PassOwnRolesOnly',
    ]);
    expect(boundary[1].condition).toEqual([{ test: 'StringEquals', variable: 'aws:ResourceTag/environment', values: ['production'] }]);
    expect(boundary.find((s: any) => s.sid === 'RolesKeepTheBoundary').condition).toEqual([
      { test: 'StringNotEquals', variable: 'iam:PermissionsBoundary', values: ['arn:aws:iam::123456789012:policy/drop-staging-boundary'] },
    ]);
    expect(boundary.find((s: any) => s.sid === 'PassOwnRolesOnly').not_resources).toEqual([
      'arn:aws:iam::123456789012:role/drop-staging-*',
    ]);
  });

  it('leaves out the other-tier statements when there is no production environment to keep apart', () => {
    const { parsed } = identities({ protectedEnvironments: [] });
    const boundary = Object.entries<any>(parsed.data.aws_iam_policy_document).find(([key]) =>
      key.startsWith('identities_boundary-document'),
    )![1].statement;
    expect(boundary.map((s: any) => s.sid)).not.toContain('NotOtherTiersResources');
  });

  it("tags every role with its environment, which the other tiers' boundaries keep them away from", () => {
    const { parsed } = identities();
    for (const role of Object.values<any>(parsed.resource.aws_iam_role)) expect(role.tags.environment).toBe('staging');
  });
});

describe('awsServiceOf', () => {
  it('knows the IAM service of every AWS type a shipped stack uses, so the plan roles can read them all', () => {
    const types = ['staging', 'production-stockholm'].flatMap((env) =>
      STACK_IDS.flatMap((stack) => {
        const json = synthPlatform(env).parsed(stack);
        return [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {})].filter((type) => type.startsWith('aws_'));
      }),
    );
    expect([...new Set(types)].filter((type) => awsServiceOf(type) === undefined)).toEqual([]);
  });

  it('knows nothing of a type it was not told about', () => {
    expect(awsServiceOf('aws_lambda_function')).toBeUndefined();
  });
});
