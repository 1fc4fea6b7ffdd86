import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ContainerRegistry, pushImageStatements } from '../../constructs/container-registry';
import { EncryptionKey } from '../../constructs/encryption-key';
import { PolicyStatements } from '../../constructs/iam';
import { Naming } from '../../constructs/naming';
import { testApp } from '../helpers';

function registryInStack() {
  const stack = new TerraformStack(testApp(), 'test');
  const naming = new Naming({ project: 'drop', name: 'staging' });
  const account = new DataAwsCallerIdentity(stack, 'account');
  const key = new EncryptionKey(stack, 'key', { naming, account, region: 'eu-west-1', purpose: 'ecr', description: 'test' });
  const registry = new ContainerRegistry(stack, 'images', {
    naming,
    key,
    repositories: ['web', 'api'],
    keepReleases: 10,
    untaggedExpiryDays: 7,
  });
  const policy = new PolicyStatements(stack, 'grantee');
  const statements = () => JSON.parse(Testing.synth(stack)).data.aws_iam_policy_document.grantee.statement as any[];
  return { stack, registry, policy, statements };
}

describe('ContainerRegistry repositories', () => {
  const { stack } = registryInStack();
  const json = Testing.synth(stack);
  const parsed = JSON.parse(json);

  it('has one repository per name, immutable, scanned on push, encrypted with the given key, never force-deleted', () => {
    for (const service of ['web', 'api']) {
      expect(json).toHaveResourceWithProperties(EcrRepository, {
        name: `drop-staging/${service}`,
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: 'KMS', kms_key: '${aws_kms_key.key_F64E54E4.arn}' }],
        force_delete: false,
      });
    }
    expect(Object.keys(parsed.resource.aws_ecr_repository).sort()).toEqual(['images_api_BA5844F3', 'images_web_D0043D39']);
  });

  it('expires untagged images first, then keeps the given number of images', () => {
    expect(json).toHaveResourceWithProperties(EcrLifecyclePolicy, { repository: '${aws_ecr_repository.images_api_BA5844F3.name}' });
    const policies = Object.values<any>(parsed.resource.aws_ecr_lifecycle_policy);
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(JSON.parse(policy.policy).rules).toEqual([
        {
          rulePriority: 1,
          description: 'Expire untagged images after 7 days',
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
          action: { type: 'expire' },
        },
        {
          // A tagStatus "any" rule must have the highest priority number.
          rulePriority: 2,
          description: 'Keep the last 10 images',
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 },
          action: { type: 'expire' },
        },
      ]);
    }
  });
});

const arn = (name: string) => `\${aws_ecr_repository.images_${name}_`;

describe('ContainerRegistry grants', () => {
  it('grantPull lets the grantee log in and read the layers of every repository', () => {
    // GIVEN
    const { registry, policy, statements } = registryInStack();
    // WHEN
    registry.grantPull(policy);
    // THEN
    expect(statements()).toEqual([
      { sid: 'EcrLogin', effect: 'Allow', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      expect.objectContaining({
        sid: 'PullOwnImage',
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      }),
    ]);
    expect(statements()[1].resources.map((r: string) => r.slice(0, arn('web').length))).toEqual([arn('web'), arn('api')]);
  });

  it('pushImageStatements let a principal that knows the repositories by ARN upload layers and put images there only', () => {
    // WHEN
    const [login, push] = pushImageStatements(['arn:aws:ecr:eu-west-1:123456789012:repository/drop-staging/api'], {
      sid: 'Push',
      extraActions: ['ecr:DescribeImages'],
    });
    // THEN
    expect(login).toEqual({ sid: 'EcrLogin', effect: 'Allow', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] });
    expect(push).toEqual({
      sid: 'Push',
      effect: 'Allow',
      actions: [
        'ecr:BatchCheckLayerAvailability',
        'ecr:InitiateLayerUpload',
        'ecr:UploadLayerPart',
        'ecr:CompleteLayerUpload',
        'ecr:PutImage',
        'ecr:BatchGetImage',
        'ecr:GetDownloadUrlForLayer',
        'ecr:DescribeImages',
      ],
      resources: ['arn:aws:ecr:eu-west-1:123456789012:repository/drop-staging/api'],
    });
  });

  it('logs in once when the grantee is granted pull twice', () => {
    // GIVEN
    const { registry, policy, statements } = registryInStack();
    // WHEN
    registry.grantPull(policy, ['web']);
    registry.grantPull(policy, ['api'], { sid: 'PullApi' });
    // THEN
    expect(statements().map((s) => s.sid)).toEqual(['EcrLogin', 'PullOwnImage', 'PullApi']);
  });

  it('fails when asked for a repository it does not have, naming the ones it has', () => {
    const { registry, policy } = registryInStack();
    expect(() => registry.grantPull(policy, ['worker'])).toThrow(
      'test/images (1 problem):\n  - repositories: has no repository of that name; expected one of web, api (found: "worker")',
    );
  });
});
