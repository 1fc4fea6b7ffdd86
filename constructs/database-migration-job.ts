/**
 * What the database's migration job runs with: an ECS cluster for one-off Fargate tasks, the
 * job's encrypted log group, and its execution role. `npm run db:migrate` registers the task (the
 * api image of the release, command `node apps/api/dist/migrate.js`) and runs it before every
 * release's services start; its first run, after the data stack, creates the database roles.
 *
 * The execution role is the only identity given the RDS master secret: ECS injects it into the
 * job's container as DATABASE_CREDENTIALS. The job has no task role, so its container holds no
 * AWS credentials at all. The services connect as the runtime role with IAM authentication and
 * never see this secret, so a stolen service role cannot run DDL.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { pullImageStatements } from './container-registry';
import { type EncryptionKey, decryptStatement } from './encryption-key';
import { assumedBy } from './iam';
import type { Naming } from './naming';

/** Days the job's logs are kept (what each release's migration did). */
export const MIGRATION_LOG_RETENTION_DAYS = 365;

export interface DatabaseMigrationJobProps {
  readonly naming: Naming;
  readonly region: string;
  /** The api image's repository (the registry stack's, by ARN): the job runs the release's api image. */
  readonly repositoryArn: string;
  /** The RDS-managed master user secret, and the key that encrypts it. */
  readonly masterSecretArn: string;
  readonly masterSecretKey: EncryptionKey;
  /** Encrypts the job's log group; CloudWatch Logs is allowed to use it. */
  readonly logKey: EncryptionKey;
}

export class DatabaseMigrationJob extends Construct {
  readonly cluster: EcsCluster;
  readonly logGroup: CloudwatchLogGroup;
  readonly executionRole: IamRole;

  constructor(scope: Construct, id: string, props: DatabaseMigrationJobProps) {
    super(scope, id);
    const { naming } = props;

    this.cluster = new EcsCluster(this, 'cluster', {
      name: naming.resource('jobs'),
      setting: [{ name: 'containerInsights', value: 'disabled' }],
    });

    // As the database's own log groups do (the data stack's observability key serves them all).
    props.logKey.allowCloudWatchLogs();
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/${naming.project}/${naming.environment}/db-migrate`,
      retentionInDays: MIGRATION_LOG_RETENTION_DAYS,
      kmsKeyId: props.logKey.arn,
    });

    this.executionRole = new IamRole(this, 'execution-role', {
      name: naming.resource('db-migrate', 'execution'),
      description: 'Starts the database migration job: pulls the api image, writes its logs, injects the RDS master secret',
      assumeRolePolicy: assumedBy(this, 'execution-trust', 'ecs-tasks.amazonaws.com').json,
    });
    const start = new DataAwsIamPolicyDocument(this, 'execution', {
      statement: [
        ...pullImageStatements([props.repositoryArn]),
        {
          sid: 'WriteOwnLogs',
          effect: 'Allow',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
        { sid: 'ReadMasterSecret', effect: 'Allow', actions: ['secretsmanager:GetSecretValue'], resources: [props.masterSecretArn] },
        decryptStatement([props.masterSecretKey.arn], {
          sid: 'DecryptMasterSecret',
          viaService: `secretsmanager.${props.region}.amazonaws.com`,
        }),
      ],
    });
    new IamRolePolicy(this, 'execution-policy', { role: this.executionRole.id, name: 'start-migration', policy: start.json });
  }
}
