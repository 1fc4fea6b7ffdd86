/**
 * A customer-managed KMS key with yearly rotation, a 30-day deletion window, an alias, and an
 * explicit key policy: the account administers it through IAM, and each AWS service named in
 * `services` may use it for exactly the actions given.
 */
import type { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import type { Naming } from './naming';

export interface ServiceKeyGrant {
  /** The service principal, e.g. `logs.eu-west-1.amazonaws.com`. */
  readonly service: string;
  readonly actions: readonly string[];
  /** Conditions that narrow the grant, e.g. to the account's log groups. @default - none */
  readonly conditions?: DataAwsIamPolicyDocumentStatement['condition'];
}

export interface EncryptionKeyProps {
  readonly naming: Naming;
  /** What the key protects; becomes the alias `alias/<project>-<env>-<purpose>`. */
  readonly purpose: string;
  readonly description: string;
  /** Whose IAM policies may use the key: the account of this identity. */
  readonly account: DataAwsCallerIdentity;
  /** AWS services that use the key on their own behalf. @default - none (services that use grants need none) */
  readonly services?: readonly ServiceKeyGrant[];
}

export class EncryptionKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const policy = new DataAwsIamPolicyDocument(this, 'policy', {
      statement: [
        {
          sid: 'AccountAdministersThroughIam',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${props.account.accountId}:root`] }],
          actions: ['kms:*'],
          resources: ['*'],
        },
        ...(props.services ?? []).map((grant) => ({
          sid: `Service${grant.service.split('.')[0].replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: [grant.service] }],
          actions: [...grant.actions],
          resources: ['*'],
          condition: grant.conditions,
        })),
      ],
    });
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policy.json,
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.naming.resource(props.purpose)}`, targetKeyId: this.key.keyId });
  }

  get arn(): string {
    return this.key.arn;
  }
}
