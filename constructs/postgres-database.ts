/**
 * RDS PostgreSQL 16, secure by default: encrypted with a customer-managed key, private, TLS
 * forced, the master password managed by RDS in Secrets Manager (never in state), IAM database
 * authentication, enhanced monitoring, Performance Insights, logs exported to encrypted log
 * groups, and only the given client security group may connect.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import type { EncryptionKey } from './encryption-key';
import { assumedBy } from './iam';
import { postgres16Class } from './rds-instance-classes';
import {
  BACKUP_WINDOW_PATTERN,
  MAINTENANCE_WINDOW_PATTERN,
  backupWindowMinutes,
  maintenanceWindowMinutes,
  overlappingDays,
} from './rds-windows';
import { type Problem, throwIfProblems } from './validation';
import type { Naming } from './naming';
import type { Network } from './network';

export const POSTGRES_PORT = 5432;
export const DATABASE_NAME = 'drop';
// NOTE: not "postgres", "admin" or "rdsadmin": RDS reserves some names.
export const MASTER_USERNAME = 'drop_admin';
/** The current RDS CA (RSA 2048, valid to 2061). */
export const CA_CERTIFICATE = 'rds-ca-rsa2048-g1';
const EXPORTED_LOGS = ['postgresql', 'upgrade'];

/** The instance's size, resilience, backups and monitoring (the environment's `database`). */
export interface DatabaseSettings {
  readonly engineVersion: string;
  /** An RDS class that runs PostgreSQL 16 (`rds-instance-classes.ts`), e.g. `db.t3.micro`. */
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  /** @default - no storage autoscaling */
  readonly maxAllocatedStorageGb?: number;
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  /** Daily, `hh24:mi-hh24:mi` UTC. */
  readonly backupWindow: string;
  /** Weekly, `ddd:hh24:mi-ddd:hh24:mi` UTC. */
  readonly maintenanceWindow: string;
  readonly deletionProtection: boolean;
  /** Take a final snapshot when the instance is deleted. */
  readonly finalSnapshot: boolean;
  readonly monitoringIntervalSeconds: number;
  readonly performanceInsightsRetentionDays: number;
  readonly logRetentionDays: number;
}

export interface PostgresDatabaseProps {
  readonly naming: Naming;
  readonly network: Network;
  readonly settings: DatabaseSettings;
  /** Encrypts storage, Performance Insights and the master user secret. */
  readonly key: EncryptionKey;
  /** Encrypts the exported PostgreSQL logs; CloudWatch Logs is allowed to use it. */
  readonly logKey: EncryptionKey;
  /** The only security group allowed to connect (the compute VPC connector's). */
  readonly clientSecurityGroup: SecurityGroup;
  /** Terraform refuses any plan that destroys or replaces the instance. */
  readonly preventDestroy: boolean;
}

/** Parameters of the `postgres16` group: TLS only, and logs worth reading. */
export const PARAMETERS: ReadonlyArray<{ name: string; value: string; applyMethod?: string }> = [
  { name: 'rds.force_ssl', value: '1' },
  { name: 'log_min_duration_statement', value: '500' },
  { name: 'log_connections', value: '1' },
  { name: 'log_disconnections', value: '1' },
  { name: 'log_lock_waits', value: '1' },
  { name: 'log_statement', value: 'ddl' },
  { name: 'log_temp_files', value: '10240' },
  { name: 'shared_preload_libraries', value: 'pg_stat_statements', applyMethod: 'pending-reboot' },
];

/**
 * What RDS cannot run of `settings`: a class without PostgreSQL 16, storage autoscaling at or below
 * the allocation, windows under RDS's 30 minutes or overlapping. Paths are settings paths. A window
 * that does not match its pattern is skipped: the configuration reports it field by field.
 */
export function postgresDatabaseProblems(
  settings: Pick<DatabaseSettings, 'instanceClass' | 'allocatedStorageGb' | 'maxAllocatedStorageGb' | 'backupWindow' | 'maintenanceWindow'>,
): Problem[] {
  const problems: Problem[] = [];
  const found = postgres16Class(settings.instanceClass);
  if ('problem' in found) problems.push({ path: ['instanceClass'], input: settings.instanceClass, message: found.problem });
  const { allocatedStorageGb, maxAllocatedStorageGb, backupWindow, maintenanceWindow } = settings;
  if (maxAllocatedStorageGb !== undefined && maxAllocatedStorageGb <= allocatedStorageGb) {
    problems.push({
      path: ['maxAllocatedStorageGb'],
      input: maxAllocatedStorageGb,
      message: `must be above allocatedStorageGb (${allocatedStorageGb}) to autoscale; omit it to turn autoscaling off`,
    });
  }
  const backupValid = BACKUP_WINDOW_PATTERN.test(backupWindow);
  const maintenanceValid = MAINTENANCE_WINDOW_PATTERN.test(maintenanceWindow);
  if (backupValid && backupWindowMinutes(backupWindow) < 30) {
    problems.push({ path: ['backupWindow'], input: backupWindow, message: 'is shorter than 30 minutes, the RDS minimum' });
  }
  if (maintenanceValid && maintenanceWindowMinutes(maintenanceWindow) < 30) {
    problems.push({ path: ['maintenanceWindow'], input: maintenanceWindow, message: 'is shorter than 30 minutes, the RDS minimum' });
  }
  const days = backupValid && maintenanceValid ? overlappingDays(backupWindow, maintenanceWindow) : [];
  if (days.length > 0) {
    problems.push({
      path: ['backupWindow'],
      input: backupWindow,
      message: `overlaps maintenanceWindow "${maintenanceWindow}" (on ${days.join(', ')}); expected a daily window outside it`,
    });
  }
  return problems;
}

export class PostgresDatabase extends Construct {
  readonly instance: DbInstance;
  readonly securityGroup: SecurityGroup;
  readonly identifier: string;
  /** Memory of the instance class, GiB (for the connection alarm's threshold). */
  readonly memoryGib: number;

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    throwIfProblems(this, postgresDatabaseProblems(props.settings));
    const { naming, settings } = props;
    this.memoryGib = (postgres16Class(settings.instanceClass) as { memoryGib: number }).memoryGib;
    this.identifier = naming.resource('postgres');

    const subnets = new DbSubnetGroup(this, 'subnets', {
      name: naming.resource('postgres'),
      subnetIds: props.network.privateSubnets.map((subnet) => subnet.id),
    });

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: naming.resource('postgres'),
      description: 'PostgreSQL: reachable from the compute services only',
      vpcId: props.network.vpc.id,
    });
    new VpcSecurityGroupIngressRule(this, 'from-compute', {
      securityGroupId: this.securityGroup.id,
      description: 'PostgreSQL from the compute services',
      ipProtocol: 'tcp',
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      referencedSecurityGroupId: props.clientSecurityGroup.id,
    });

    const parameters = new DbParameterGroup(this, 'parameters', {
      name: naming.resource('postgres16'),
      family: 'postgres16',
      description: 'Drop PostgreSQL 16: TLS only, slow-query and connection logging',
      parameter: PARAMETERS.map((p) => ({ name: p.name, value: p.value, applyMethod: p.applyMethod ?? 'immediate' })),
    });

    const monitoring = new IamRole(this, 'monitoring-role', {
      name: naming.resource('rds-monitoring'),
      assumeRolePolicy: assumedBy(this, 'monitoring-trust', 'monitoring.rds.amazonaws.com').json,
    });
    new IamRolePolicyAttachment(this, 'monitoring-policy', {
      role: monitoring.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
    });

    // Created before RDS would create them itself, unencrypted and kept forever.
    props.logKey.allowCloudWatchLogs();
    const logGroups = EXPORTED_LOGS.map(
      (log) =>
        new CloudwatchLogGroup(this, `${log}-logs`, {
          name: `/aws/rds/instance/${this.identifier}/${log}`,
          retentionInDays: settings.logRetentionDays,
          kmsKeyId: props.logKey.arn,
        }),
    );

    this.instance = new DbInstance(this, 'instance', {
      identifier: this.identifier,
      engine: 'postgres',
      engineVersion: settings.engineVersion,
      autoMinorVersionUpgrade: true,
      instanceClass: settings.instanceClass,
      dbName: DATABASE_NAME,
      port: POSTGRES_PORT,
      username: MASTER_USERNAME,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.key.arn,
      iamDatabaseAuthenticationEnabled: true,

      storageType: 'gp3',
      allocatedStorage: settings.allocatedStorageGb,
      maxAllocatedStorage: settings.maxAllocatedStorageGb,
      storageEncrypted: true,
      kmsKeyId: props.key.arn,

      multiAz: settings.multiAz,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      parameterGroupName: parameters.name,
      caCertIdentifier: CA_CERTIFICATE,

      backupRetentionPeriod: settings.backupRetentionDays,
      backupWindow: settings.backupWindow,
      maintenanceWindow: settings.maintenanceWindow,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      deletionProtection: settings.deletionProtection,
      skipFinalSnapshot: !settings.finalSnapshot,
      finalSnapshotIdentifier: settings.finalSnapshot ? `${this.identifier}-final` : undefined,

      monitoringInterval: settings.monitoringIntervalSeconds,
      monitoringRoleArn: monitoring.arn,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: props.key.arn,
      performanceInsightsRetentionPeriod: settings.performanceInsightsRetentionDays,
      enabledCloudwatchLogsExports: EXPORTED_LOGS,

      applyImmediately: false,
      dependsOn: logGroups,
      lifecycle: { preventDestroy: props.preventDestroy },
    });
  }
}
