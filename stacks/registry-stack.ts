/** The registry stack: image repositories and the CI push role. Changes rarely. */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { SERVICE_NAMES } from '../config';
import { ContainerRegistry } from '../constructs/container-registry';
import { EncryptionKey } from '../constructs/encryption-key';
import { GithubPushRole } from '../constructs/github-push-role';
import { publish } from './contract';
import { DropStack, type DropStackProps } from './drop-stack';

export class RegistryStack extends DropStack {
  readonly registry: ContainerRegistry;
  readonly pushRole: GithubPushRole;

  constructor(scope: Construct, props: DropStackProps) {
    super(scope, 'registry', props);
    const { config, naming } = this;

    const account = new DataAwsCallerIdentity(this, 'account');
    const key = new EncryptionKey(this, 'images-key', {
      naming,
      account,
      purpose: 'ecr',
      description: `Encrypts the ${naming.resource()} container images`,
    });
    this.registry = new ContainerRegistry(this, 'images', {
      naming,
      key,
      repositories: SERVICE_NAMES,
      keepReleases: config.registry.keepReleases,
      untaggedExpiryDays: config.registry.untaggedExpiryDays,
    });
    const { api, web } = this.registry.repositories;

    this.pushRole = new GithubPushRole(this, 'ci', {
      naming,
      repositories: [api, web],
      githubRepository: config.ci.githubRepository,
      branch: config.ci.deployBranch,
      githubEnvironment: config.ci.githubEnvironment,
      servicePrefix: `${naming.resource()}-`,
      engine: config.compute.engine,
      region: config.aws.region,
      accountId: account.accountId,
      oidcProvider: config.ci.oidcProvider,
    });

    publish(this, naming, 'registry', {
      apiRepositoryUrl: api.repositoryUrl,
      apiRepositoryArn: api.arn,
      webRepositoryUrl: web.repositoryUrl,
      webRepositoryArn: web.arn,
    });

    new TerraformOutput(this, 'ci-push-role-arn', {
      value: this.pushRole.role.arn,
      description: 'Role for the pipeline to assume (GitHub variable AWS_PUSH_ROLE_ARN)',
    });
    new TerraformOutput(this, 'api-repository-url', { value: api.repositoryUrl });
    new TerraformOutput(this, 'web-repository-url', { value: web.repositoryUrl });
  }
}
