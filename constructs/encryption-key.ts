/**
 * A customer-managed KMS key with yearly rotation, a 30-day deletion window, an alias, and an
 * explicit key policy: the account administers it through IAM, and each AWS service granted use
 * (`allowCloudWatchLogs`, `allowSnsPublishers`, `grant`) may use it for exactly the actions given,
 * narrowed by the condition AWS documents for that service. The policy is
 * collected from the grants and rendered at synth, so a construct that encrypts with the key
 * grants what it needs itself (aws-cdk's `Key.grant*` are the model).
 */
import type { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { type Grantable, PolicyStatements } from './iam';
import type { Naming } from './naming';

export interface EncryptionKeyProps {
  readonly naming: Naming;
  /** What the key protects; becomes the alias `alias/<project>-<env>-<purpose>`. */
  readonly purpose: string;
  readonly description: string;
  /** Whose IAM policies may use the key: the account of this identity. */
  readonly account: DataAwsCallerIdentity;
  /** The key's region: CloudWatch Logs grants name the region's service principal and log groups. */
  readonly region: string;
}

/** What CloudWatch Logs needs of a key that encrypts log groups. */
const CLOUDWATCH_LOGS_ACTIONS = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'];

/** What a publisher to an encrypted SNS topic needs of its key (docs.aws.amazon.com/sns/latest/dg/sns-key-management.html). */
const SNS_PUBLISHER_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey*'];

export interface DecryptOptions {
  /** The statement's sid. @default "Decrypt" */
  readonly sid?: string;
  /** Only through this AWS service (`kms:ViaService`), e.g. `secretsmanager.eu-west-1.amazonaws.com`. @default - any */
  readonly viaService?: string;
}

/**
 * Decrypting with the keys of these ARNs: what `EncryptionKey.grantDecrypt` grants, for a
 * principal in another stack, which knows the keys by ARN only.
 */
export function decryptStatement(keyArns: readonly string[], options: DecryptOptions = {}): DataAwsIamPolicyDocumentStatement {
  return {
    sid: options.sid ?? 'Decrypt',
    effect: 'Allow',
    actions: ['kms:Decrypt'],
    resources: [...keyArns],
    ...(options.viaService ? { condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [options.viaService] }] } : {}),
  };
}

export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  private readonly policy: PolicyStatements;
  private readonly props: EncryptionKeyProps;
  private readonly logGroupPatterns = new Set<string>();

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.props = props;
    this.policy = new PolicyStatements(this, 'policy', [
      {
        sid: 'AccountAdministersThroughIam',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${props.account.accountId}:root`] }],
        actions: ['kms:*'],
        resources: ['*'],
      },
    ]);
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: this.policy.json,
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.naming.resource(props.purpose)}`, targetKeyId: this.key.keyId });
  }

  get arn(): string {
    return this.key.arn;
  }

  /**
   * Lets CloudWatch Logs encrypt and decrypt the log groups of this key's account and region whose
   * names match `logGroupNames` (a wildcard pattern such as `/drop/staging/*`). Asked again with
   * another pattern, the one statement matches both.
   */
  allowCloudWatchLogs(logGroupNames = '*'): void {
    // Asked again for the same log groups (two services, two log-group owners): nothing to add.
    if (this.logGroupPatterns.has(logGroupNames)) return;
    this.logGroupPatterns.add(logGroupNames);
    const { region, account } = this.props;
    this.grant(`logs.${region}.amazonaws.com`, CLOUDWATCH_LOGS_ACTIONS, [
      {
        test: 'ArnLike',
        variable: 'kms:EncryptionContext:aws:logs:arn',
        values: [`arn:aws:logs:${region}:${account.accountId}:log-group:${logGroupNames}`],
      },
    ]);
  }

  /**
   * Lets AWS services (`cloudwatch.amazonaws.com` for alarms, `events.rds.amazonaws.com` for RDS
   * events) publish to the SNS topic `topicArn`, which this key encrypts, and to no other topic.
   *
   * Amazon SNS encrypts each message with the topic's ARN as encryption context
   * (`aws:sns:topicArn`), whoever publishes, so `kms:EncryptionContext:aws:sns:topicArn` is a
   * condition every such request carries. AWS documents it in a key policy for a service that
   * publishes to an encrypted topic (docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html:
   * `"StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": "arn:aws:sns:..."}`). The
   * CloudWatch and RDS pages on encrypted topics give the key policy with no condition, and the
   * `aws:SourceArn` / `aws:SourceAccount` they recommend belong to the topic's access policy:
   * whether they reach KMS through SNS is not documented, and a condition a service does not send
   * silently blocks every alarm, so the key does not use them.
   */
  allowSnsPublishers(topicArn: string, services: readonly string[]): void {
    for (const service of services) {
      this.grant(service, SNS_PUBLISHER_ACTIONS, [
        { test: 'StringEquals', variable: 'kms:EncryptionContext:aws:sns:topicArn', values: [topicArn] },
      ]);
    }
  }

  /** Lets `grantee` (a principal's policy) decrypt with this key (aws-cdk's `Key.grantDecrypt`). */
  grantDecrypt(grantee: Grantable, options: DecryptOptions = {}): void {
    grantee.addToPolicy(decryptStatement([this.arn], options));
  }

  /**
   * Lets the AWS service `service` (a service principal such as `cloudwatch.amazonaws.com`) use
   * the key on its own behalf for `actions`, narrowed by `conditions`.
   */
  grant(service: string, actions: readonly string[], conditions?: DataAwsIamPolicyDocumentStatement['condition']): void {
    this.policy.addToPolicy({
      sid: `Service${service.split('.')[0].replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: [service] }],
      actions: [...actions],
      resources: ['*'],
      condition: conditions,
    });
  }
}
