/**
 * The IAM role the CI pipeline assumes through GitHub's OIDC provider to push images: only from
 * the configured repository's deploy branch or its GitHub environment, only to the given
 * repositories. It may read and write the release pointers' history (release, rollback), read
 * the environment's alarms (post-deployment monitoring), and read the services of its
 * environment's compute engine only (`engineStatements`): App Runner in App Runner environments;
 * ECS (and, for `npm run ecs-domains`, the Express load balancer's listener and rule) in ECS
 * Express environments.
 */
import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import type { ComputeEngine } from './compute/engines';
import type { ContainerRegistry } from './container-registry';
import { PolicyStatements } from './iam';
import type { Naming } from './naming';

export const GITHUB_OIDC_URL = 'https://token.actions.githubusercontent.com';
const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export interface GithubPushRoleProps {
  readonly naming: Naming;
  /** The registry whose repositories the role may push to. */
  readonly registry: ContainerRegistry;
  /** The repositories of `registry` the role may push to, in this order. */
  readonly repositories: readonly string[];
  /** `owner/name` of the GitHub repository whose workflows may assume the role. */
  readonly githubRepository: string;
  /** The branch whose workflow runs may assume the role. */
  readonly branch: string;
  /**
   * The GitHub environment whose jobs may assume the role (a job that names an environment
   * presents `environment:<name>` instead of the branch).
   */
  readonly githubEnvironment: string;
  /** Services whose running image the role may read: their name prefix, e.g. `drop-staging-`. */
  readonly servicePrefix: string;
  /** The environment's compute engine: the role may read that engine's services and no other's. */
  readonly engine: ComputeEngine;
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

    const permissions = new PolicyStatements(this, 'permissions');
    // Push, and read the scan results of what was pushed (the scan gate).
    props.registry.grantPush(permissions, props.repositories, {
      sid: 'PushAndScanResults',
      extraActions: ['ecr:DescribeImages', 'ecr:DescribeImageScanFindings'],
    });
    permissions.addToPolicy(
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
      ...engineStatements(props),
    );
    new IamRolePolicy(this, 'push', { name: 'push-images', role: this.role.id, policy: permissions.json });
  }
}

/** What release, rollback and the domain step need of the environment's engine, and nothing of the other. */
export function engineStatements(
  props: Pick<GithubPushRoleProps, 'engine' | 'region' | 'accountId' | 'servicePrefix'>,
): DataAwsIamPolicyDocumentStatement[] {
  const { region, accountId, servicePrefix } = props;
  switch (props.engine) {
    case 'app-runner':
      return [
        // ListServices has no resource-level permissions.
        { sid: 'FindServices', effect: 'Allow', actions: ['apprunner:ListServices'], resources: ['*'] },
        {
          sid: 'ReadRunningImage',
          effect: 'Allow',
          actions: ['apprunner:DescribeService'],
          resources: [`arn:aws:apprunner:${region}:${accountId}:service/${servicePrefix}*`],
        },
      ];
    case 'ecs-express': {
      const ecs = (resource: string) => `arn:aws:ecs:${region}:${accountId}:${resource}/default/${servicePrefix}*`;
      const elb = (resource: string) => `arn:aws:elasticloadbalancing:${region}:${accountId}:${resource}/app/*`;
      return [
        {
          sid: 'ReadRunningImage',
          effect: 'Allow',
          // Which service it is and where its traffic enters, for npm run ecs-domains (scripts/lib/ecs.ts).
          actions: ['ecs:DescribeServices', 'ecs:DescribeExpressGatewayService'],
          resources: [ecs('service')],
        },
        { sid: 'ReadRevisions', effect: 'Allow', actions: ['ecs:DescribeServiceRevisions'], resources: [ecs('service-revision')] },
        // npm run ecs-domains. ACM's List* and ELB's Describe* have no resource-level permissions.
        { sid: 'FindCertificates', effect: 'Allow', actions: ['acm:ListCertificates'], resources: ['*'] },
        {
          sid: 'ReadListeners',
          effect: 'Allow',
          actions: ['elasticloadbalancing:DescribeListenerCertificates', 'elasticloadbalancing:DescribeRules'],
          resources: ['*'],
        },
        {
          sid: 'AttachCertificates',
          effect: 'Allow',
          actions: ['elasticloadbalancing:AddListenerCertificates'],
          resources: [elb('listener')],
        },
        { sid: 'RouteHosts', effect: 'Allow', actions: ['elasticloadbalancing:ModifyRule'], resources: [elb('listener-rule')] },
      ];
    }
  }
}
