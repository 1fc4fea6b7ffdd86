/**
 * A test stack for one compute service construct: the compute key it encrypts with and the
 * engine-neutral props of a small api, with literal ARNs (what another stack would pass) so that
 * a test reads exactly what the construct made of them.
 */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { ComputeService } from '../../../constructs/compute/service';
import type { ServiceProps } from '../../../constructs/compute/service';
import { EncryptionKey } from '../../../constructs/encryption-key';
import { Naming } from '../../../constructs/naming';
import { testApp } from '../../helpers';

export const ACCOUNT = '123456789012';
export const SECRETS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/secrets`;
export const secretArn = (name: string) => `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:drop/staging/${name}`;
export const REPOSITORY_ARN = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/drop-staging/api`;
export const DIGEST = `sha256:${'a'.repeat(64)}`;
export const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:drop-staging-alarms`;
/** The compute key's ARN, as the construct refers to it. */
export const COMPUTE_KEY = '${aws_kms_key.compute-key_EEB4B4A0.arn}';
export const DATABASE_USER = `arn:aws:rds-db:eu-west-1:${ACCOUNT}:dbuser:db-ABC/drop_app`;

/** GIVEN a stack holding only the compute key, and an api's props (anything a test overrides replaced). */
export function serviceStack(overrides: Partial<ServiceProps> = {}) {
  const stack = new TerraformStack(testApp(), 'test');
  const naming = new Naming({ project: 'drop', name: 'staging' });
  const region = overrides.region ?? 'eu-west-1';
  const account = new DataAwsCallerIdentity(stack, 'account');
  const encryptionKey = new EncryptionKey(stack, 'compute-key', { naming, account, region, purpose: 'compute', description: 'test' });
  const props: ServiceProps = {
    naming,
    name: 'api',
    region,
    image: {
      repositoryUrl: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/drop-staging/api`,
      repositoryArn: REPOSITORY_ARN,
      reference: DIGEST,
    },
    port: 3001,
    cpu: 1,
    memoryGb: 2,
    scaling: { minInstances: 1, maxInstances: 10, concurrency: 100 },
    healthCheck: { path: '/v1/health', intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 1, unhealthyThreshold: 3 },
    environment: { NODE_ENV: 'production', PORT: '3001' },
    secrets: {
      SENTRY_DSN: { arn: secretArn('sentry-dsn'), kmsKeyArn: SECRETS_KEY },
      JWT_SECRET: { arn: secretArn('jwt-secret'), kmsKeyArn: SECRETS_KEY },
    },
    databaseUserArn: DATABASE_USER,
    egress: { subnetIds: ['subnet-private-0', 'subnet-private-1'], securityGroupIds: ['sg-compute'] },
    domainName: 'staging-api.getdrop.no',
    alarmTopicArn: TOPIC,
    encryptionKey,
    ...overrides,
  };
  return { stack, props };
}

/** The statements of the inline policy attached to the role named `roleName`, through its policy document. */
export function roleStatements(parsed: any, roleName: string): any[] {
  const roles = parsed.resource.aws_iam_role;
  const roleId = Object.keys(roles).find((id) => roles[id].name === roleName);
  if (!roleId) throw new Error(`no role ${roleName}`);
  const policies = Object.values<any>(parsed.resource.aws_iam_role_policy ?? {}).filter((p) => p.role === `\${aws_iam_role.${roleId}.id}`);
  return policies.flatMap(
    (p) => parsed.data.aws_iam_policy_document[/data\.aws_iam_policy_document\.([^.]+)\.json/.exec(p.policy)![1]].statement,
  );
}

/** The resource of `type` whose Terraform name starts with `prefix` (fails unless exactly one). */
export function one(parsed: any, type: string, prefix: string): [string, any] {
  const found = Object.entries<any>(parsed.resource?.[type] ?? {}).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${found.length}`);
  return found[0];
}

/** What a service offers the edge, as outputs named after its properties (the values another stack would read). */
export function offer(stack: TerraformStack, service: ComputeService): void {
  for (const key of ['dnsTarget', 'certificateValidationRecords', 'serviceUrl'] as const) {
    new TerraformOutput(stack, key, { value: service[key] });
  }
}
