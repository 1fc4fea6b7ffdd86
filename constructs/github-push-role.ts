/**
 * The IAM role the CI pipeline assumes through GitHub's OIDC provider to push images: only from
 * the configured repository's deploy branch or its GitHub environment, only to the given
 * repositories. It may also read and write the release pointers' history (release, rollback) and
 * read the environment's alarms (post-deployment monitoring); it reads nothing of the services
 * themselves (the pointer says what they run, whichever compute engine runs them).
 */
import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import type { Naming } from './naming';

export const GITHUB_OIDC_URL = 'https://token.actions.githubusercontent.com';
const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export interface GithubPushRoleProps {
  readonly naming: Naming;
  /** The repositories the role may push to. */
  readonly repositories: readonly EcrRepository[];
  /** `owner/name` of the GitHub repository whose workflows may assume the role. */
  readonly githubRepository: string;
  /** The branch whose workflow runs may assume the role. */
  readonly branch: string;
  /**
   * The GitHub environment whose jobs may assume the role (a job that names an environment
   * presents `environment:<name>` instead of the branch).
   */
  readonly githubEnvironment: string;
  readonly region: string;
  readonly accountId: string;
  /**
   * The GitHub OIDC provider is one per AWS account: `create` it here, or use the `existing` one
   * (when another stack or environment in the same account created it).
   */
  readonly oidcProvider: 'create' | 'existing';
}

export class GithubPushRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: GithubPushRoleProps) {
    super(scope, id);

    const providerArn =
      props.oidcProvider === 'create'
        ? new IamOpenidConnectProvider(this, 'oidc-provider', { url: GITHUB_OIDC_URL, clientIdList: ['sts.amazonaws.com'] }).arn
        : new DataAwsIamOpenidConnectProvider(this, 'oidc-provider', { url: GITHUB_OIDC_URL }).arn;

    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [providerArn] }],
          condition: [
            { test: 'StringEquals', variable: `${GITHUB_OIDC_HOST}:aud`, values: ['sts.amazonaws.com'] },
            {
              test: 'StringEquals',
              variable: `${GITHUB_OIDC_HOST}:sub`,
              values: [
                `repo:${props.githubRepository}:ref:refs/heads/${props.branch}`,
                `repo:${props.githubRepository}:environment:${props.githubEnvironment}`,
              ],
            },
          ],
        },
      ],
    });

    this.role = new IamRole(this, 'role', {
      name: props.naming.resource('ci-push'),
      description: `Assumed by ${props.githubRepository}@${props.branch} (GitHub Actions OIDC) to push images`,
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
    });

    const permissions = new DataAwsIamPolicyDocument(this, 'permissions', {
      statement: [
        {
          sid: 'EcrLogin',
          effect: 'Allow',
          // GetAuthorizationToken has no resource-level permissions.
          actions: ['ecr:GetAuthorizationToken'],
          resources: ['*'],
        },
        {
          sid: 'PushAndScanResults',
          effect: 'Allow',
          actions: [
            'ecr:BatchCheckLayerAvailability',
            'ecr:InitiateLayerUpload',
            'ecr:UploadLayerPart',
            'ecr:CompleteLayerUpload',
            'ecr:PutImage',
            'ecr:BatchGetImage',
            'ecr:GetDownloadUrlForLayer',
            'ecr:DescribeImages',
            'ecr:DescribeImageScanFindings',
          ],
          resources: props.repositories.map((repository) => repository.arn),
        },
        {
          // Rollback reads the release history and points a service back at an earlier release.
          sid: 'ReleaseHistory',
          effect: 'Allow',
          actions: ['ssm:GetParameterHistory', 'ssm:PutParameter'],
          resources: [`arn:aws:ssm:${props.region}:${props.accountId}:parameter${props.naming.releasePath()}/*`],
        },
        {
          // Post-deployment monitoring reads the state of the environment's alarms.
          sid: 'ReadAlarms',
          effect: 'Allow',
          actions: ['cloudwatch:DescribeAlarms'],
          resources: [`arn:aws:cloudwatch:${props.region}:${props.accountId}:alarm:${props.naming.resource()}-*`],
        },
      ],
    });
    new IamRolePolicy(this, 'push', { name: 'push-images', role: this.role.id, policy: permissions.json });
  }
}
