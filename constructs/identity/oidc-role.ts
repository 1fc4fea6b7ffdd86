/**
 * An IAM role assumed with a web identity token (GitHub Actions, Terraform Cloud): trusted for
 * exact token subjects and the issuer's audience only, with one inline policy.
 */
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { PolicyStatements } from '../iam';
import type { OidcIssuer } from './oidc';

export interface OidcRoleProps {
  readonly name: string;
  readonly description: string;
  readonly issuer: OidcIssuer;
  /** The ARN of the account's IAM OIDC provider of `issuer`. */
  readonly providerArn: string;
  /** The token subjects (`sub`) that may assume the role, compared exactly (StringEquals). */
  readonly subjects: readonly string[];
  /** What the role may do (its inline policy). */
  readonly statements: readonly DataAwsIamPolicyDocumentStatement[];
  /** A permissions boundary (policy ARN). @default - none */
  readonly permissionsBoundary?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** @default 3600 */
  readonly maxSessionDurationSeconds?: number;
  /** The AWS provider of the role's account. @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

export class OidcRole extends Construct {
  readonly role: IamRole;
  readonly subjects: readonly string[];

  constructor(scope: Construct, id: string, props: OidcRoleProps) {
    super(scope, id);
    this.subjects = props.subjects;
    const { issuer, provider } = props;
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      provider,
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [props.providerArn] }],
          condition: [
            { test: 'StringEquals', variable: `${issuer.host}:aud`, values: [issuer.audience] },
            { test: 'StringEquals', variable: `${issuer.host}:sub`, values: [...props.subjects] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, 'role', {
      provider,
      name: props.name,
      description: props.description,
      assumeRolePolicy: trust.json,
      maxSessionDuration: props.maxSessionDurationSeconds ?? 3600,
      permissionsBoundary: props.permissionsBoundary,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    const permissions = new PolicyStatements(this, 'permissions', props.statements, provider);
    new IamRolePolicy(this, 'policy', { provider, name: props.name, role: this.role.id, policy: permissions.json });
  }
}
