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

  // The repositories' own settings (immutable, scanned, lifecycle rules) are ContainerRegistry's: container-registry.test.ts.
  it('has one repository per service, named for the environment, encrypted with the registry key', () => {
    for (const service of ['api', 'web']) {
      expect(json).toHaveResourceWithProperties(EcrRepository, {
        name: `drop-${name}/${service}`,
        encryption_configuration: [{ encryption_type: 'KMS', kms_key: '${aws_kms_key.images-key_D7BAF85A.arn}' }],
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

  it("expires each repository's images after the environment's untagged days and release count", () => {
    const env = environment(name);
    const policies = Object.values(resourcesOf(parsed, 'aws_ecr_lifecycle_policy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      const rules = JSON.parse(policy.policy).rules;
      expect(rules.map((rule: { selection: { countNumber: number } }) => rule.selection.countNumber)).toEqual([
        env.registry.untaggedExpiryDays,
        env.registry.keepReleases,
      ]);
    }
  });

  it("holds no pipeline identity: every role and OIDC provider is the bootstrap stack's (stacks/control-stack.ts)", () => {
    expect(json).not.toHaveResource(IamRole);
    expect(json).not.toHaveResource(IamOpenidConnectProvider);
    expect(Object.keys(parsed.output ?? {}).sort()).toEqual(['api-repository-url', 'web-repository-url']);
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
});
