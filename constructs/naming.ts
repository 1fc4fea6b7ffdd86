/**
 * The one place where names of cloud resources, state keys and workspaces are made.
 * Every name carries the project and the environment, so environments never collide.
 */
import { DropError } from './validation';

/** The four stacks of an environment, in first-deployment order. */
export const STACK_IDS = ['registry', 'data', 'compute', 'edge'] as const;
export type StackId = (typeof STACK_IDS)[number];

const PART = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export class Naming {
  readonly project: string;
  readonly environment: string;

  constructor(config: { readonly project: string; readonly name: string }) {
    this.project = config.project;
    this.environment = config.name;
  }

  /** A resource name such as `drop-staging-ci-push` (IAM roles, KMS aliases, ...). */
  resource(...parts: string[]): string {
    return [this.project, this.environment, ...parts.map(checked)].join('-');
  }

  /** An ECR repository name such as `drop-staging/api`. */
  repository(service: string): string {
    return `${this.project}-${this.environment}/${checked(service)}`;
  }

  /** An SSM parameter name such as `/drop/staging/registry/api-repository-url`. */
  parameter(stack: StackId, key: string): string {
    return `${this.parameterFolder(stack)}/${checked(key)}`;
  }

  /** The folder of a stack's SSM parameters, `/drop/staging/registry`. */
  parameterFolder(stack: StackId): string {
    return `/${this.project}/${this.environment}/${stack}`;
  }

  /**
   * The release pointer of a service, `/drop/staging/release/api`: the image it runs, written by
   * `npm run release` (SSM keeps every version: the release history).
   */
  release(service: string): string {
    return `${this.releasePath()}/${checked(service)}`;
  }

  /** The folder of the release pointers, `/drop/staging/release`. */
  releasePath(): string {
    return `/${this.project}/${this.environment}/release`;
  }

  /** A Secrets Manager secret name such as `drop/staging/jwt-secret`. */
  secret(name: string): string {
    return `${this.project}/${this.environment}/${checked(name)}`;
  }

  /** The Terraform Cloud workspace of a stack: `drop-staging-registry`. */
  workspace(stack: StackId): string {
    return this.resource(stack);
  }

  /** The S3 state key of a stack: `drop/staging/registry.tfstate`. */
  stateKey(stack: StackId): string {
    return `${this.project}/${this.environment}/${stack}.tfstate`;
  }

  /** The local state file of a stack, at the project root: `terraform.drop-staging-registry.tfstate`. */
  localStateFile(stack: StackId): string {
    return `terraform.${this.resource(stack)}.tfstate`;
  }

  /** Default tags of every AWS resource in a stack. */
  tags(stack: StackId): Record<string, string> {
    return { project: this.project, environment: this.environment, stack, 'managed-by': 'cdktf' };
  }
}

function checked(part: string): string {
  if (!PART.test(part)) {
    throw new DropError(`Invalid name part "${part}": expected lower-case letters and digits joined by "-", such as "api-path"`);
  }
  return part;
}
