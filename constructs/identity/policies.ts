/**
 * The policy statements of the platform's identities, by purpose: reading what a plan reads,
 * pushing images, recording releases, and the permissions boundary every deploy stays inside.
 */
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { ComputeEngine } from '../compute/engines';
import { pushImageStatements } from '../container-registry';
import type { Naming } from '../naming';

type Statement = DataAwsIamPolicyDocumentStatement;

/**
 * The IAM service prefix of each AWS resource and data source type the stacks use, by the type's
 * prefix (first match wins). A plan refreshes every resource it manages and reads every data
 * source, so a read-only role needs the read actions of each of these services; a test checks
 * that every type of every synthesized stack is here.
 */
const SERVICES_BY_TYPE: ReadonlyArray<readonly [prefix: string, service: string]> = [
  ['aws_apprunner_', 'apprunner'],
  ['aws_acm_', 'acm'],
  ['aws_cloudcontrolapi_', 'cloudformation'],
  ['aws_cloudwatch_log_', 'logs'],
  ['aws_cloudwatch_', 'cloudwatch'],
  ['aws_db_', 'rds'],
  ['aws_ecr_', 'ecr'],
  ['aws_ecs_', 'ecs'],
  ['aws_lb', 'elasticloadbalancing'],
  ['aws_iam_', 'iam'],
  ['aws_kms_', 'kms'],
  ['aws_secretsmanager_', 'secretsmanager'],
  ['aws_sns_', 'sns'],
  ['aws_ssm_', 'ssm'],
  // VPC, subnets, gateways, routes, security groups and their rules, flow logs, prefix lists, AZs.
  ['aws_vpc', 'ec2'],
  ['aws_default_security_group', 'ec2'],
  ['aws_security_group', 'ec2'],
  ['aws_subnet', 'ec2'],
  ['aws_eip', 'ec2'],
  ['aws_nat_gateway', 'ec2'],
  ['aws_internet_gateway', 'ec2'],
  ['aws_route', 'ec2'],
  ['aws_flow_log', 'ec2'],
  ['aws_ec2_', 'ec2'],
  ['aws_availability_zones', 'ec2'],
  // GetCallerIdentity needs no permission; the STS read actions are harmless.
  ['aws_caller_identity', 'sts'],
];

/** The IAM service of an AWS resource or data source type, or undefined when it is not known here. */
export function awsServiceOf(type: string): string | undefined {
  return SERVICES_BY_TYPE.find(([prefix]) => type.startsWith(prefix))?.[1];
}

const READ_SERVICES = [...new Set(SERVICES_BY_TYPE.map(([, service]) => service))].sort();

/** Reads that return data rather than configuration: what a plan never needs. */
const DATA_READS = ['logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:GetLogRecord', 'logs:StartQuery', 'logs:GetQueryResults'];

export interface ReadOnlyProps {
  readonly region: string;
  readonly accountId: string;
  /**
   * Secrets (by name, `drop/<env>/<name>`) whose value a plan must read; every other secret value
   * is denied. A refresh of `aws_secretsmanager_secret_version` reads the value with
   * GetSecretValue even when it was written write-only (terraform-provider-aws,
   * internal/service/secretsmanager/secret_version.go, resourceSecretVersionRead), and the zone
   * owner's edge stack reads the origin verification values for its header rule.
   */
  readonly secretValues: readonly string[];
}

/**
 * What a plan of the platform's stacks reads: the configuration of every service they use
 * (Describe, Get, List), no log contents, and no secret value but the named ones.
 */
export function readOnlyStatements(props: ReadOnlyProps): Statement[] {
  const secrets = props.secretValues.map((name) => `arn:aws:secretsmanager:${props.region}:${props.accountId}:secret:${name}-*`);
  const noSecretValues: Statement =
    secrets.length > 0
      ? { sid: 'NoOtherSecretValues', effect: 'Deny', actions: ['secretsmanager:GetSecretValue'], notResources: secrets }
      : { sid: 'NoOtherSecretValues', effect: 'Deny', actions: ['secretsmanager:GetSecretValue'], resources: ['*'] };
  return [
    {
      sid: 'ReadConfiguration',
      effect: 'Allow',
      actions: READ_SERVICES.flatMap((service) => [`${service}:Describe*`, `${service}:Get*`, `${service}:List*`]),
      resources: ['*'],
    },
    { sid: 'NoLogContents', effect: 'Deny', actions: DATA_READS, resources: ['*'] },
    noSecretValues,
    ...(secrets.length > 0
      ? [
          {
            // The services' secrets are encrypted with their own key: decrypt through Secrets Manager only.
            sid: 'DecryptSecretValues',
            effect: 'Allow',
            actions: ['kms:Decrypt'],
            resources: ['*'],
            condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`secretsmanager.${props.region}.amazonaws.com`] }],
          },
        ]
      : []),
  ];
}

export interface PushProps {
  readonly naming: Naming;
  readonly region: string;
  readonly accountId: string;
  readonly services: readonly string[];
}

/** The ECR repository ARN of a service of an environment (the registry stack names it with `naming.repository`). */
export function repositoryArn(props: Omit<PushProps, 'services'>, service: string): string {
  return `arn:aws:ecr:${props.region}:${props.accountId}:repository/${props.naming.repository(service)}`;
}

/** Pushing the environment's images, and reading what was pushed and its scan (the scan gate). */
export function pushStatements(props: PushProps): Statement[] {
  return pushImageStatements(
    props.services.map((service) => repositoryArn(props, service)),
    { sid: 'PushAndScanResults', extraActions: ['ecr:DescribeImages', 'ecr:DescribeImageScanFindings'] },
  );
}

export interface ReleaseProps extends PushProps {
  readonly engine: ComputeEngine;
}

/**
 * Recording and rolling back releases of one environment: its release pointers and their history,
 * the image and scan checks `npm run release` makes, the state of its alarms (the watch), and what
 * the scripts read of its engine's services.
 */
export function releaseStatements(props: ReleaseProps): Statement[] {
  const { region, accountId, naming } = props;
  const pointers = `arn:aws:ssm:${region}:${accountId}:parameter${naming.releasePath()}`;
  return [
    {
      sid: 'ReleasePointers',
      effect: 'Allow',
      actions: ['ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:PutParameter'],
      resources: [`${pointers}/*`],
    },
    {
      sid: 'ReleasedImages',
      effect: 'Allow',
      actions: ['ecr:DescribeImages', 'ecr:DescribeImageScanFindings'],
      resources: props.services.map((service) => repositoryArn(props, service)),
    },
    {
      // Post-deployment monitoring reads the state of the environment's alarms.
      sid: 'ReadAlarms',
      effect: 'Allow',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [`arn:aws:cloudwatch:${region}:${accountId}:alarm:${naming.resource()}-*`],
    },
    ...engineStatements({ engine: props.engine, region, accountId, servicePrefix: `${naming.resource()}-` }),
    ...migrationStatements(props),
  ];
}

/**
 * Running the database migration job of a release (npm run db:migrate, scripts/db-migrate.ts):
 * read the contract values it is built from, register the task definition with the release's
 * image, and run it in the environment's jobs cluster with its execution role, the only
 * identity that reads the RDS master secret. The release role runs it after the environment's
 * approval, as it changes the database.
 */
function migrationStatements(props: Omit<PushProps, 'services'>): Statement[] {
  const { region, accountId, naming } = props;
  const family = `arn:aws:ecs:${region}:${accountId}:task-definition/${naming.resource('db-migrate')}:*`;
  const cluster = `arn:aws:ecs:${region}:${accountId}:cluster/${naming.resource('jobs')}`;
  return [
    {
      sid: 'ReadContract',
      effect: 'Allow',
      actions: ['ssm:GetParameter'],
      resources: (['registry', 'data'] as const).map(
        (stack) => `arn:aws:ssm:${region}:${accountId}:parameter${naming.parameter(stack, 'x').replace(/x$/, '*')}`,
      ),
    },
    // RegisterTaskDefinition has no resource-level permissions; registering runs nothing.
    { sid: 'RegisterMigrationJob', effect: 'Allow', actions: ['ecs:RegisterTaskDefinition'], resources: ['*'] },
    {
      // The task definition's release tag is set when it is registered (ECS tag-on-create).
      sid: 'TagMigrationJob',
      effect: 'Allow',
      actions: ['ecs:TagResource'],
      resources: [family],
      condition: [{ test: 'StringEquals', variable: 'ecs:CreateAction', values: ['RegisterTaskDefinition'] }],
    },
    {
      sid: 'RunMigrationJob',
      effect: 'Allow',
      actions: ['ecs:RunTask'],
      resources: [family],
      condition: [{ test: 'ArnEquals', variable: 'ecs:cluster', values: [cluster] }],
    },
    {
      sid: 'WatchMigrationJob',
      effect: 'Allow',
      actions: ['ecs:DescribeTasks'],
      resources: [`arn:aws:ecs:${region}:${accountId}:task/${naming.resource('jobs')}/*`],
    },
    {
      sid: 'PassMigrationRole',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: [`arn:aws:iam::${accountId}:role/${naming.resource('db-migrate', 'execution')}`],
      condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['ecs-tasks.amazonaws.com'] }],
    },
  ];
}

/** What release, rollback and the health checks read of the environment's engine, and nothing of the other. */
export function engineStatements(props: {
  readonly engine: ComputeEngine;
  readonly region: string;
  readonly accountId: string;
  /** Services whose running image the role may read: their name prefix, e.g. `drop-staging-`. */
  readonly servicePrefix: string;
}): Statement[] {
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
      return [
        {
          sid: 'ReadRunningImage',
          effect: 'Allow',
          // Which service it is and where its traffic enters (scripts/lib/ecs.ts).
          actions: ['ecs:DescribeServices', 'ecs:DescribeExpressGatewayService'],
          resources: [ecs('service')],
        },
        { sid: 'ReadRevisions', effect: 'Allow', actions: ['ecs:DescribeServiceRevisions'], resources: [ecs('service-revision')] },
        // npm run ecs-domains checks the listener. ACM's List* and ELB's Describe* have no resource-level permissions.
        { sid: 'FindCertificates', effect: 'Allow', actions: ['acm:ListCertificates'], resources: ['*'] },
        {
          sid: 'ReadListeners',
          effect: 'Allow',
          actions: ['elasticloadbalancing:DescribeListenerCertificates', 'elasticloadbalancing:DescribeRules'],
          resources: ['*'],
        },
      ];
    }
  }
}

export interface BoundaryProps {
  readonly naming: Naming;
  readonly accountId: string;
  /** The ARN of this boundary policy itself: every role a deploy creates must carry it. */
  readonly boundaryArn: string;
  /**
   * Production-tier environments of the same account that this environment must not touch
   * (empty for a production environment, or an account of one tier).
   */
  readonly protectedEnvironments: readonly string[];
  /** The control plane's own identities in the account (roles, boundaries, OIDC providers): read-only to a deploy. */
  readonly controlPlaneArns: readonly string[];
}

/**
 * The permissions boundary of an environment: the most a deploy of it (the Terraform Cloud apply
 * role) or any role it creates may do. Everything, except:
 * - the resources of production-tier environments of the same account (by their `environment`
 *   tag, which every resource carries through the provider's default tags), when this environment
 *   is not of that tier;
 * - the control plane's identities (this bootstrap's roles, boundaries and OIDC providers);
 * - roles without this boundary, users and access keys (no way out of the boundary);
 * - passing any role but the environment's own (`<project>-<env>-*`) to a service.
 */
export function boundaryStatements(props: BoundaryProps): Statement[] {
  const { naming, accountId } = props;
  const tiers: Statement[] =
    props.protectedEnvironments.length === 0
      ? []
      : [
          {
            sid: 'NotOtherTiersResources',
            effect: 'Deny',
            actions: ['*'],
            resources: ['*'],
            condition: [{ test: 'StringEquals', variable: 'aws:ResourceTag/environment', values: [...props.protectedEnvironments] }],
          },
          {
            sid: 'NotOtherTiersTags',
            effect: 'Deny',
            actions: ['*'],
            resources: ['*'],
            condition: [{ test: 'StringEquals', variable: 'aws:RequestTag/environment', values: [...props.protectedEnvironments] }],
          },
        ];
  return [
    { sid: 'Deploy', effect: 'Allow', actions: ['*'], resources: ['*'] },
    ...tiers,
    {
      sid: 'ControlPlaneReadOnly',
      effect: 'Deny',
      notActions: ['iam:Get*', 'iam:List*'],
      resources: [...props.controlPlaneArns],
    },
    {
      sid: 'RolesKeepTheBoundary',
      effect: 'Deny',
      actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
      resources: ['*'],
      condition: [{ test: 'StringNotEquals', variable: 'iam:PermissionsBoundary', values: [props.boundaryArn] }],
    },
    {
      sid: 'NoWayOut',
      effect: 'Deny',
      actions: ['iam:DeleteRolePermissionsBoundary', 'iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile'],
      resources: ['*'],
    },
    {
      sid: 'PassOwnRolesOnly',
      effect: 'Deny',
      actions: ['iam:PassRole'],
      notResources: [`arn:aws:iam::${accountId}:role/${naming.resource()}-*`],
    },
  ];
}
