/**
 * ECR repositories for the service images: immutable tags, scan on push, encrypted with a
 * customer-managed KMS key, and a lifecycle policy that expires untagged images
 * and keeps the last releases. `grantPull` (aws-cdk's `Repository.grantPull` is the model) and
 * `pushImageStatements` are the one place that knows which ECR actions each needs; a principal in
 * another stack, which knows a repository by ARN only (the bootstrap stack's push role), gets the
 * statements from `pullImageStatements` / `pushImageStatements`.
 */
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Construct } from 'constructs';
import type { EncryptionKey } from './encryption-key';
import type { Grantable } from './iam';
import type { Naming } from './naming';
import { ValidationError } from './validation';

/** Reading an image: its manifest and layers. */
const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;
/** Writing an image: its layers, then its manifest. */
const UPLOAD_ACTIONS = ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage'] as const;
// Pushing checks which layers exist before uploading and reads back what it pushed (this order is
// the one the push role has always had).
const [CHECK_LAYERS, ...DOWNLOAD] = PULL_ACTIONS;
const PUSH_ACTIONS = [CHECK_LAYERS, ...UPLOAD_ACTIONS, ...DOWNLOAD];

/** The registry login: GetAuthorizationToken has no resource-level permissions. */
const LOGIN: DataAwsIamPolicyDocumentStatement = {
  sid: 'EcrLogin',
  effect: 'Allow',
  actions: ['ecr:GetAuthorizationToken'],
  resources: ['*'],
};

export interface ImageGrantOptions {
  /** The statement's sid. @default "PullOwnImage" / "PushImages" */
  readonly sid?: string;
  /** Further ECR actions on the same repositories, e.g. `ecr:DescribeImages`. @default - none */
  readonly extraActions?: readonly string[];
}

/** The login, and `actions` (with the options' extra ones) on the repositories with these ARNs. */
function imageStatements(
  defaultSid: string,
  actions: readonly string[],
  repositoryArns: readonly string[],
  options: ImageGrantOptions,
): DataAwsIamPolicyDocumentStatement[] {
  const sid = options.sid ?? defaultSid;
  return [LOGIN, { sid, effect: 'Allow', actions: [...actions, ...(options.extraActions ?? [])], resources: [...repositoryArns] }];
}

/** Pushing images to the repositories with these ARNs: the login, the layer checks and uploads, the manifest. */
export function pushImageStatements(
  repositoryArns: readonly string[],
  options: ImageGrantOptions = {},
): DataAwsIamPolicyDocumentStatement[] {
  return imageStatements('PushImages', PUSH_ACTIONS, repositoryArns, options);
}

/** Pulling the images of the repositories with these ARNs: the login and the layers. */
export function pullImageStatements(
  repositoryArns: readonly string[],
  options: ImageGrantOptions = {},
): DataAwsIamPolicyDocumentStatement[] {
  return imageStatements('PullOwnImage', PULL_ACTIONS, repositoryArns, options);
}

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

  /** Lets `grantee` pull images from the named repositories (all, in the registry's order, by default). */
  grantPull(grantee: Grantable, names: readonly string[] = Object.keys(this.repositories), options: ImageGrantOptions = {}): void {
    grantee.addToPolicy(...pullImageStatements(this.arnsOf(names), options));
  }

  private arnsOf(names: readonly string[]): string[] {
    return names.map((name) => {
      const repository = this.repositories[name];
      if (!repository)
        throw new ValidationError(this, [
          {
            path: ['repositories'],
            input: name,
            message: `has no repository of that name; expected one of ${Object.keys(this.repositories).join(', ')}`,
          },
        ]);
      return repository.arn;
    });
  }
}
