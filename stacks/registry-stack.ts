/**
 * The registry stack: the image repositories. Changes rarely. The identities that push to them
 * (and every other pipeline identity) belong to the bootstrap stack, `control`.
 */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { SERVICE_NAMES } from '../config';
import { ContainerRegistry } from '../constructs/container-registry';
import { EncryptionKey } from '../constructs/encryption-key';
import { publish } from './contract';
import { DropStack, type DropStackProps } from './drop-stack';

export class RegistryStack extends DropStack {
  readonly registry: ContainerRegistry;

  constructor(scope: Construct, props: DropStackProps) {
    super(scope, 'registry', props);
    const { config, naming } = this;

    const account = new DataAwsCallerIdentity(this, 'account');
    const key = new EncryptionKey(this, 'images-key', {
      naming,
      account,
      purpose: 'ecr',
      region: config.aws.region,
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

    publish(this, naming, 'registry', {
      apiRepositoryUrl: api.repositoryUrl,
      apiRepositoryArn: api.arn,
      webRepositoryUrl: web.repositoryUrl,
      webRepositoryArn: web.arn,
    });

    new TerraformOutput(this, 'api-repository-url', { value: api.repositoryUrl });
    new TerraformOutput(this, 'web-repository-url', { value: web.repositoryUrl });
  }
}
