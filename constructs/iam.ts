/** Small IAM helpers shared by the constructs. */
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { Construct } from 'constructs';

/** The trust policy of a role that only `service` (a service principal) may assume. */
export function assumedBy(scope: Construct, id: string, service: string): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: [{ effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: [service] }] }],
  });
}
