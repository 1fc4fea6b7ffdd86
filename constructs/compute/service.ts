/**
 * The engine-neutral description of a service: what to run and how it scales, is checked, is
 * configured and reaches the network. Engines (`app-runner`, `ecs-express`) turn it into resources.
 */
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { Construct } from 'constructs';
import { pullImageStatements } from '../container-registry';
import { type EncryptionKey, decryptStatement } from '../encryption-key';
import type { Naming } from '../naming';

/** A Secrets Manager secret injected as an environment variable, with the key that encrypts it. */
export interface ServiceSecret {
  readonly arn: string;
  readonly kmsKeyArn: string;
}

/** The two services of the platform. */
export const SERVICE_NAMES = ['web', 'api'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** How the engine checks an instance: an HTTP GET of `path`. */
export interface HealthCheck {
  /** Absolute path, e.g. `/v1/health`. */
  readonly path: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

export interface ServiceProps {
  readonly naming: Naming;
  readonly name: ServiceName;
  readonly region: string;
  /** The image: repository plus the digest `sha256:...` of the recorded release (compute/releases.ts). */
  readonly image: { readonly repositoryUrl: string; readonly repositoryArn: string; readonly reference: string };
  readonly port: number;
  /** vCPU per instance. */
  readonly cpu: number;
  readonly memoryGb: number;
  readonly scaling: { readonly minInstances: number; readonly maxInstances: number; readonly concurrency: number };
  readonly healthCheck: HealthCheck;
  /** Plain environment variables: never secrets. */
  readonly environment: Readonly<Record<string, string>>;
  /** Environment variables filled from Secrets Manager when an instance starts. */
  readonly secrets: Readonly<Record<string, ServiceSecret>>;
  /**
   * RDS IAM database authentication: the running instance may connect as this database user
   * (`rds-db:connect` on this `arn:aws:rds-db:...:dbuser:<DbiResourceId>/<user>` only).
   * @default - no database access
   */
  readonly databaseUserArn?: string;
  /** All outbound traffic leaves through these subnets and security groups. */
  readonly egress: { readonly subnetIds: string[]; readonly securityGroupIds: string[] };
  /** The custom domain the service answers on (without a www subdomain). */
  readonly domainName: string;
  /** Where the service's alarms go. */
  readonly alarmTopicArn: string;
  /**
   * Encrypts what the engine stores of the service (App Runner's service data, ECS Express's log
   * group). The engine grants the AWS services it uses what they need of it.
   */
  readonly encryptionKey: EncryptionKey;
}

/** What a deployed service offers to the edge. */
export interface ComputeService extends Construct {
  /** CNAME target of the custom domain. */
  readonly dnsTarget: string;
  /** JSON list of `{name, type, value}` records that validate the custom domain's certificate. */
  readonly certificateValidationRecords: string;
  /** The engine's own URL of the service. */
  readonly serviceUrl: string;
}

/** `repo@sha256:...`: pinned by digest, so a pushed tag can never change what runs. */
export function imageIdentifier(repositoryUrl: string, digest: string): string {
  return `${repositoryUrl}@${digest}`;
}

/**
 * Least privilege for reading secrets: exactly the service's own secrets, and decryption with
 * their keys only through Secrets Manager.
 */
export function secretReadStatements(
  secrets: Readonly<Record<string, ServiceSecret>>,
  region: string,
): DataAwsIamPolicyDocumentStatement[] {
  const values = Object.values(secrets);
  if (values.length === 0) return [];
  const unique = (list: string[]) => [...new Set(list)];
  return [
    {
      sid: 'ReadOwnSecrets',
      effect: 'Allow',
      actions: ['secretsmanager:GetSecretValue'],
      resources: unique(values.map((secret) => secret.arn)),
    },
    decryptStatement(unique(values.map((secret) => secret.kmsKeyArn)), {
      sid: 'DecryptOwnSecrets',
      viaService: `secretsmanager.${region}.amazonaws.com`,
    }),
  ];
}

/** Connecting to the database as one user with RDS IAM authentication (the token is signed with the role's credentials). */
export function databaseConnectStatements(databaseUserArn?: string): DataAwsIamPolicyDocumentStatement[] {
  return databaseUserArn
    ? [{ sid: 'ConnectAsRuntimeUser', effect: 'Allow', actions: ['rds-db:connect'], resources: [databaseUserArn] }]
    : [];
}

/**
 * Lets `role`, the running instance's, read the service's own secrets and, when it has a database
 * user, connect as that user (nothing when it has neither), as policy `policyId` (named
 * `read-own-secrets` as before the database statement joined it: renaming an inline policy
 * replaces it). Returns the policy, for the service to depend on: a service created before it
 * cannot start.
 */
export function grantSecretReads(
  scope: Construct,
  role: IamRole,
  policyId: string,
  props: Pick<ServiceProps, 'secrets' | 'region' | 'databaseUserArn'>,
): IamRolePolicy | undefined {
  const statements = [...secretReadStatements(props.secrets, props.region), ...databaseConnectStatements(props.databaseUserArn)];
  if (statements.length === 0) return undefined;
  const secrets = new DataAwsIamPolicyDocument(scope, 'secrets', { statement: statements });
  return new IamRolePolicy(scope, policyId, { role: role.id, name: 'read-own-secrets', policy: secrets.json });
}

/** Pulling one repository's images (another stack's, known by ARN): the login and the layers. */
export function pullOwnImageStatements(repositoryArn: string, extraActions: readonly string[] = []): DataAwsIamPolicyDocumentStatement[] {
  return pullImageStatements([repositoryArn], { extraActions });
}
