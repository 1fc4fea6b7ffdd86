import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { describe, expect, it } from 'vitest';
import { environment, resourcesOf, synthPlatform } from '../helpers';

describe.each(['staging', 'production'])('the %s registry stack', (name) => {
  const synth = synthPlatform(name);
  const json = synth.json('registry');
  const parsed = synth.parsed('registry');
  const repositories = resourcesOf(parsed, 'aws_ecr_repository');

  it('has one repository per service, immutable, scanned on push, encrypted with the registry key', () => {
    for (const service of ['api', 'web']) {
      expect(json).toHaveResourceWithProperties(EcrRepository, {
        name: `drop-${name}/${service}`,
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: 'KMS', kms_key: '${aws_kms_key.images-key_D7BAF85A.arn}' }],
        force_delete: false,
      });
    }
    expect(Object.keys(repositories)).toHaveLength(2);
  });

  it('keeps the Terraform addresses of its stateful resources stable', () => {
    expect(Object.keys(repositories).sort()).toEqual(['images_api_BA5844F3', 'images_web_D0043D39']);
    expect(Object.keys(resourcesOf(parsed, 'aws_kms_key'))).toEqual(['images-key_D7BAF85A']);
  });

  it('encrypts with a customer-managed key that rotates, administered through IAM only', () => {
    expect(json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
    const policy = Object.values(parsed.data!.aws_iam_policy_document).find((doc) =>
      doc.statement.some((s: { sid?: string }) => s.sid === 'AccountAdministersThroughIam'),
    );
    expect(policy.statement).toEqual([
      {
        sid: 'AccountAdministersThroughIam',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::${data.aws_caller_identity.account.account_id}:root'] }],
        actions: ['kms:*'],
        resources: ['*'],
      },
    ]);
    expect(Object.values(resourcesOf(parsed, 'aws_kms_alias'))[0].name).toBe(`alias/drop-${name}-ecr`);
  });

  it('expires untagged images first and keeps the configured number of releases', () => {
    const env = environment(name);
    const policies = Object.values(resourcesOf(parsed, 'aws_ecr_lifecycle_policy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      const rules = JSON.parse(policy.policy).rules;
      expect(rules).toEqual([
        expect.objectContaining({
          rulePriority: 1,
          selection: {
            tagStatus: 'untagged',
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: env.registry.untaggedExpiryDays,
          },
          action: { type: 'expire' },
        }),
        expect.objectContaining({
          rulePriority: 2,
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: env.registry.keepReleases },
          action: { type: 'expire' },
        }),
      ]);
    }
  });

  it("lets only the configured repository's deploy branch and GitHub environment assume the CI role", () => {
    const trust = Object.values(parsed.data!.aws_iam_policy_document).find((doc) =>
      doc.statement.some((s: { actions: string[] }) => s.actions.includes('sts:AssumeRoleWithWebIdentity')),
    );
    expect(trust.statement).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRoleWithWebIdentity'],
        // Staging creates the account's one GitHub OIDC provider; production (same account) looks it up.
        principals: [
          {
            type: 'Federated',
            identifiers: [`\${${name === 'staging' ? '' : 'data.'}aws_iam_openid_connect_provider.ci_oidc-provider_11D0C016.arn}`],
          },
        ],
        condition: [
          { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] },
          {
            test: 'StringEquals',
            variable: 'token.actions.githubusercontent.com:sub',
            values: ['repo:getdrop/drop-platform:ref:refs/heads/main', `repo:getdrop/drop-platform:environment:${name}`],
          },
        ],
      },
    ]);
    expect(json).toHaveResourceWithProperties(IamRole, { name: `drop-${name}-ci-push`, max_session_duration: 3600 });
  });

  it('lets the push role push only to the two repositories', () => {
    const permissions = Object.values(parsed.data!.aws_iam_policy_document).find((doc) =>
      doc.statement.some((s: { actions: string[] }) => s.actions.includes('ecr:PutImage')),
    );
    const [login, push, history, alarms, find, read] = permissions.statement;
    expect(permissions.statement).toHaveLength(6);
    expect(login).toEqual({ sid: 'EcrLogin', effect: 'Allow', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] });
    expect(push.resources).toEqual(['${aws_ecr_repository.images_api_BA5844F3.arn}', '${aws_ecr_repository.images_web_D0043D39.arn}']);
    expect(push.actions).not.toContain('ecr:*');
    expect(push.actions.every((action: string) => action.startsWith('ecr:'))).toBe(true);
    expect(push.actions).not.toContain('ecr:DeleteRepository');
    expect(push.actions).not.toContain('ecr:BatchDeleteImage');
    // Rollback: the release pointers of this environment only; monitoring: its alarms only.
    expect(history).toEqual({
      sid: 'ReleaseHistory',
      effect: 'Allow',
      actions: ['ssm:GetParameterHistory', 'ssm:PutParameter'],
      resources: [`arn:aws:ssm:eu-west-1:\${data.aws_caller_identity.account.account_id}:parameter/drop/${name}/release/*`],
    });
    expect(alarms).toEqual({
      sid: 'ReadAlarms',
      effect: 'Allow',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [`arn:aws:cloudwatch:eu-west-1:\${data.aws_caller_identity.account.account_id}:alarm:drop-${name}-*`],
    });
    // The running image of its engine's services (App Runner here), and nothing else of the services.
    expect(find).toEqual({ sid: 'FindServices', effect: 'Allow', actions: ['apprunner:ListServices'], resources: ['*'] });
    expect(read).toEqual({
      sid: 'ReadRunningImage',
      effect: 'Allow',
      actions: ['apprunner:DescribeService'],
      resources: [`arn:aws:apprunner:eu-west-1:\${data.aws_caller_identity.account.account_id}:service/drop-${name}-*`],
    });
  });

  it.runIf(name === 'staging')('creates the GitHub OIDC provider for sts.amazonaws.com', () => {
    expect(json).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
    });
  });

  it('publishes the repositories through the contract', () => {
    const parameters = Object.values(resourcesOf(parsed, 'aws_ssm_parameter'));
    expect(Object.fromEntries(parameters.map((p) => [p.name, p.value]))).toEqual({
      [`/drop/${name}/registry/api-repository-url`]: '${aws_ecr_repository.images_api_BA5844F3.repository_url}',
      [`/drop/${name}/registry/api-repository-arn`]: '${aws_ecr_repository.images_api_BA5844F3.arn}',
      [`/drop/${name}/registry/web-repository-url`]: '${aws_ecr_repository.images_web_D0043D39.repository_url}',
      [`/drop/${name}/registry/web-repository-arn`]: '${aws_ecr_repository.images_web_D0043D39.arn}',
    });
    expect(parameters.every((p) => p.type === 'String')).toBe(true);
  });

  it('outputs the push role for the pipeline', () => {
    expect(parsed.output?.['ci-push-role-arn'].value).toBe('${aws_iam_role.ci_role_59CBBC02.arn}');
  });
});

describe('an account whose GitHub OIDC provider already exists', () => {
  it('looks the provider up instead of creating a second one', () => {
    const json = synthPlatform(environment('production', { ci: { oidcProvider: 'existing' } })).json('registry');
    expect(json).not.toHaveResource(IamOpenidConnectProvider);
    expect(json).toHaveDataSourceWithProperties(DataAwsIamOpenidConnectProvider, { url: 'https://token.actions.githubusercontent.com' });
  });
});

describe('a deploy branch other than main', () => {
  it('is the only branch the push role trusts', () => {
    const parsed = synthPlatform(environment('staging', { ci: { deployBranch: 'release' } })).parsed('registry');
    expect(JSON.stringify(parsed.data)).toContain('repo:getdrop/drop-platform:ref:refs/heads/release');
    expect(JSON.stringify(parsed.data)).not.toContain('refs/heads/main');
  });
});
