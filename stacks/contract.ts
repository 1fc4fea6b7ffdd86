/**
 * The contract between stacks: every value a stack publishes for the others, by name.
 *
 * Producers publish with `publish` (one SSM parameter per value under
 * `/<project>/<env>/<stack>/<key>`); consumers read with `consume` (a data source). No stack reads
 * another's Terraform state, so each plans on its own, and `cdktf deploy edge compute` needs no
 * other stack. The keys of a producer are its whole API: `publish` must be given every one.
 */
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { DataAwsSsmParametersByPath } from '@cdktf/provider-aws/lib/data-aws-ssm-parameters-by-path';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { AppSecret } from '../constructs/app-secrets';
import type { Naming, StackId } from '../constructs/naming';

/** Producer stack → value key → what the value is. */
export const CONTRACT = {
  registry: {
    apiRepositoryUrl: 'URL of the ECR repository of the api image',
    apiRepositoryArn: 'ARN of the ECR repository of the api image',
    webRepositoryUrl: 'URL of the ECR repository of the web image',
    webRepositoryArn: 'ARN of the ECR repository of the web image',
  },
  data: {
    privateSubnetIds: 'Comma-separated ids of the private subnets (one per availability zone)',
    publicSubnetIds: 'Comma-separated ids of the public subnets (one per availability zone; route to the internet gateway)',
    computeSecurityGroupId: 'Security group of the compute services; the only one the database admits',
    databaseAddress: 'Host name of the PostgreSQL instance',
    databasePort: 'Port of the PostgreSQL instance',
    databaseName: 'Name of the application database',
    databaseSecretArn:
      'ARN of the RDS-managed master user secret (JSON username and password; RDS rotates it); only the migration job is given it',
    databaseResourceId: 'DbiResourceId of the PostgreSQL instance (db-...): the rds-db:connect ARN of IAM database authentication names it',
    migrationClusterArn: 'ARN of the ECS cluster the database migration job runs in (npm run db:migrate)',
    migrationExecutionRoleArn: 'ARN of the execution role of the database migration job: the only identity that reads the master secret',
    migrationLogGroup: 'Name of the log group of the database migration job',
    databaseKeyArn: 'ARN of the KMS key that encrypts the database and its secret',
    alarmTopicArn: 'ARN of the encrypted SNS topic that receives the platform alarms',
    secretsKeyArn: "ARN of the KMS key that encrypts the services' secrets",
    jwtSecretArn: 'ARN of the secret JWT_SECRET (value generated write-only by this stack)',
    bankidClientIdSecretArn: 'ARN of the secret BANKID_CLIENT_ID (value set by the operator)',
    bankidClientSecretSecretArn: 'ARN of the secret BANKID_CLIENT_SECRET (value set by the operator)',
    sentryDsnSecretArn: 'ARN of the secret SENTRY_DSN (value set by the operator)',
    originVerifySecretArn: 'ARN of the secret whose value the edge sends to the origin as the X-Origin-Verify header',
  },
  compute: {
    webDnsTarget: 'CNAME target of the web service custom domain (domains.public)',
    apiDnsTarget: 'CNAME target of the api service custom domain (domains.apiOrigin)',
    webCertificateValidationRecords: 'JSON list of {name, type, value}: DNS records that validate the web custom domain certificate',
    apiCertificateValidationRecords: 'JSON list of {name, type, value}: DNS records that validate the api custom domain certificate',
  },
} as const;

export type Producer = keyof typeof CONTRACT;
export type ContractKey<P extends Producer> = keyof (typeof CONTRACT)[P] & string;
export type ContractValues<P extends Producer> = { readonly [K in ContractKey<P>]: string };

/** The data stack's contract key of each secret's ARN (the data stack publishes, compute reads). */
export const SECRET_ARN_KEYS = {
  JWT_SECRET: 'jwtSecretArn',
  BANKID_CLIENT_ID: 'bankidClientIdSecretArn',
  BANKID_CLIENT_SECRET: 'bankidClientSecretSecretArn',
  SENTRY_DSN: 'sentryDsnSecretArn',
  ORIGIN_VERIFY_SECRET: 'originVerifySecretArn',
} as const satisfies Record<AppSecret, ContractKey<'data'>>;
export type SecretArnKey = (typeof SECRET_ARN_KEYS)[AppSecret];

/** `apiRepositoryUrl` → `api-repository-url`. */
export function parameterKey(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Publishes every value of `producer` as an SSM parameter. */
export function publish<P extends Producer>(scope: Construct, naming: Naming, producer: P, values: ContractValues<P>): void {
  const descriptions = CONTRACT[producer] as Record<string, string>;
  for (const key of Object.keys(descriptions)) {
    new SsmParameter(scope, `contract-${parameterKey(key)}`, {
      name: naming.parameter(producer, parameterKey(key)),
      description: descriptions[key],
      type: 'String',
      value: (values as Record<string, string>)[key],
    });
  }
}

/** Reads a comma-separated value (such as subnet ids) another stack published, as a list. */
export function consumeList<P extends Producer>(scope: Construct, naming: Naming, producer: P, key: ContractKey<P>): string[] {
  return Fn.split(',', consume(scope, naming, producer, key));
}

/** Reads one value another stack published. */
export function consume<P extends Producer>(scope: Construct, naming: Naming, producer: P, key: ContractKey<P>): string {
  const id = `contract-${producer}-${parameterKey(key)}`;
  const existing = scope.node.tryFindChild(id) as DataAwsSsmParameter | undefined;
  const parameter = existing ?? new DataAwsSsmParameter(scope, id, { name: naming.parameter(producer, parameterKey(key)) });
  // insecure_value: contract parameters are plain Strings and never secret (secrets travel by
  // ARN). `value` is marked sensitive by the provider, which Terraform refuses in for_each and
  // which would hide subnet ids and DNS targets from the plan a reviewer reads.
  return parameter.insecureValue;
}

/**
 * The only values one environment's stack reads from another environment's: the zone owner's edge
 * stack reads the origin verification ARN of every other environment of its zone (its header rule
 * sends each one's value; docs/edge.md). So that environment's data stack goes first, and
 * `consumeAcross` says so when it has not.
 */
export const CROSS_ENVIRONMENT_READS = [{ reader: 'edge', producer: 'data', key: 'originVerifySecretArn' }] as const satisfies readonly {
  reader: StackId;
  producer: Producer;
  key: string;
}[];

type CrossRead = (typeof CROSS_ENVIRONMENT_READS)[number];

/**
 * Reads a value another environment's stack publishes (`naming` is that environment's). One read
 * of the producer's folder rather than of the parameter: a value not published yet stops the plan
 * with the command that publishes it, not AWS's ParameterNotFound.
 */
export function consumeAcross(scope: Construct, naming: Naming, producer: CrossRead['producer'], key: CrossRead['key']): string {
  const name = naming.parameter(producer, parameterKey(key));
  const folder = new DataAwsSsmParametersByPath(scope, `contract-${naming.environment}-${producer}`, {
    path: naming.parameterFolder(producer),
  });
  folder.addOverride('lifecycle.postcondition', [
    {
      condition: `\${contains(self.names, "${name}")}`,
      error_message:
        `${naming.environment} has not published ${name} yet: deploy its ${producer} stack first: ` +
        `DROP_ENV=${naming.environment} npx cdktf deploy ${producer} (docs/deploying.md, "The first deployment of an environment").`,
    },
  ]);
  return Fn.element(Fn.nonsensitive(folder.values), Token.asNumber(Fn.index(folder.names, name)));
}
