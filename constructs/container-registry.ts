/**
 * ECR repositories for the service images: immutable tags, scan on push, encrypted with a
 * customer-managed KMS key, and a lifecycle policy that expires untagged images
 * and keeps the last releases.
 */
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Construct } from 'constructs';
import type { EncryptionKey } from './encryption-key';
import type { Naming } from './naming';

export interface ContainerRegistryProps {
  readonly naming: Naming;
  /** Encrypts the images. */
  readonly key: EncryptionKey;
  /** One repository per name, e.g. `["api", "web"]`. */
  readonly repositories: readonly string[];
  /** Images kept per repository (tagged or not); older ones expire. At least 2, so rollback has a previous image. */
  readonly keepReleases: number;
  /** Untagged images (layers of failed pushes, superseded manifests) expire after this many days. */
  readonly untaggedExpiryDays: number;
}

export class ContainerRegistry extends Construct {
  readonly repositories: Readonly<Record<string, EcrRepository>>;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    const lifecycle = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: `Expire untagged images after ${props.untaggedExpiryDays} days`,
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: props.untaggedExpiryDays },
          action: { type: 'expire' },
        },
        {
          // A tagStatus "any" rule must have the highest priority number.
          rulePriority: 2,
          description: `Keep the last ${props.keepReleases} images`,
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: props.keepReleases },
          action: { type: 'expire' },
        },
      ],
    });

    const repositories: Record<string, EcrRepository> = {};
    for (const name of props.repositories) {
      const repository = new EcrRepository(this, name, {
        name: props.naming.repository(name),
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: props.key.arn }],
        forceDelete: false,
      });
      new EcrLifecyclePolicy(this, `${name}-lifecycle`, { repository: repository.name, policy: lifecycle });
      repositories[name] = repository;
    }
    this.repositories = repositories;
  }
}
