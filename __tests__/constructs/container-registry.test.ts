import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
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
