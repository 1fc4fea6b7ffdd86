import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { postgresDatabaseProblems } from '../../constructs/postgres-database';
import { ValidationError } from '../../constructs/validation';
import { databaseStack } from './database-fixture';

const settings = {
  instanceClass: 'db.t3.micro',
  allocatedStorageGb: 20,
  maxAllocatedStorageGb: undefined,
  backupWindow: '01:00-01:30',
  maintenanceWindow: 'sun:03:00-sun:04:00',
};

describe('what RDS can run', () => {
  it('accepts the staging settings', () => {
    expect(postgresDatabaseProblems(settings)).toEqual([]);
  });

  it('refuses a previous-generation class, naming the families that run PostgreSQL 16', () => {
    expect(postgresDatabaseProblems({ ...settings, instanceClass: 'db.m4.large' })).toEqual([
      expect.objectContaining({
        path: ['instanceClass'],
        input: 'db.m4.large',
        message: expect.stringContaining('previous-generation family'),
      }),
    ]);
  });

  it('refuses storage autoscaling at or below the allocation', () => {
    expect(postgresDatabaseProblems({ ...settings, maxAllocatedStorageGb: 20 })).toEqual([
      {
        path: ['maxAllocatedStorageGb'],
        input: 20,
        message: 'must be above allocatedStorageGb (20) to autoscale; omit it to turn autoscaling off',
      },
    ]);
  });

  it('refuses a short backup window and one that overlaps maintenance, and skips a malformed window', () => {
    expect(postgresDatabaseProblems({ ...settings, backupWindow: '03:00-03:20', maintenanceWindow: 'sun:03:00-sun:04:00' })).toEqual([
      { path: ['backupWindow'], input: '03:00-03:20', message: 'is shorter than 30 minutes, the RDS minimum' },
      {
        path: ['backupWindow'],
        input: '03:00-03:20',
        message: 'overlaps maintenanceWindow "sun:03:00-sun:04:00" (on sun); expected a daily window outside it',
      },
    ]);
    expect(postgresDatabaseProblems({ ...settings, backupWindow: 'soon' })).toEqual([]);
  });
});

const DATABASE_KEY = '${aws_kms_key.database-key_C4D88439.arn}';
const LOGS_KEY = '${aws_kms_key.logs-key_44F95A88.arn}';
const INSTANCE = 'aws_db_instance.database_instance_D7FC2283';

/** WHEN the database stack is synthesized: its JSON for the matchers, and the one instance. */
function synthesized(...args: Parameters<typeof databaseStack>) {
  const { stack, database } = databaseStack(...args);
  const json = Testing.synth(stack);
  const parsed = JSON.parse(json);
  return { database, json, parsed, instance: Object.values<any>(parsed.resource.aws_db_instance)[0] };
}

describe('PostgresDatabase', () => {
  // GIVEN the fixture's settings: no autoscaling, deletion protection or final snapshot
  const { database, json, parsed, instance } = synthesized();

  it('runs PostgreSQL 16 on the given class, private, behind the current RDS CA', () => {
    expect(json).toHaveResourceWithProperties(DbInstance, {
      identifier: 'drop-staging-postgres',
      engine: 'postgres',
      engine_version: '16',
      instance_class: 'db.t3.medium',
      db_name: 'drop',
      port: 5432,
      publicly_accessible: false,
      ca_cert_identifier: 'rds-ca-rsa2048-g1',
    });
    expect(Object.keys(parsed.resource.aws_db_instance)).toHaveLength(1);
  });

  it('takes minor versions in the maintenance window, and changes at the next window rather than at once', () => {
    expect(json).toHaveResourceWithProperties(DbInstance, {
      auto_minor_version_upgrade: true,
      maintenance_window: 'sun:03:00-sun:04:00',
      apply_immediately: false,
    });
  });

  it('stores on gp3, encrypted with the database key, without autoscaling unless settings ask for it', () => {
    expect(json).toHaveResourceWithProperties(DbInstance, {
      storage_type: 'gp3',
      allocated_storage: 100,
      storage_encrypted: true,
      kms_key_id: DATABASE_KEY,
    });
    expect(instance.max_allocated_storage).toBeUndefined();
  });

  it('keeps daily backups for the retention in their window, tagged like the instance and kept after it is deleted', () => {
    expect(json).toHaveResourceWithProperties(DbInstance, {
      backup_retention_period: 7,
      backup_window: '01:00-01:30',
      copy_tags_to_snapshot: true,
      delete_automated_backups: false,
    });
  });

  it('is single-AZ, deletable, without a final snapshot and destroyable by Terraform when the settings say so', () => {
    expect(json).toHaveResourceWithProperties(DbInstance, {
      multi_az: false,
      deletion_protection: false,
      skip_final_snapshot: true,
      lifecycle: { prevent_destroy: false },
    });
    expect(instance.final_snapshot_identifier).toBeUndefined();
  });

  it('has RDS manage the master password in Secrets Manager with the database key: no password in the configuration or the state', () => {
    expect(json).toHaveResourceWithProperties(DbInstance, {
      username: 'drop_admin',
      manage_master_user_password: true,
      master_user_secret_kms_key_id: DATABASE_KEY,
    });
    // REFERENCE.md: with manage_master_user_password there is no `password` (nor its write-only form).
    expect(instance.password).toBeUndefined();
    expect(instance.password_wo).toBeUndefined();
    expect(json).not.toMatch(/"password/);
  });

  it('lets clients sign in with IAM tokens', () => {
    expect(json).toHaveResourceWithProperties(DbInstance, { iam_database_authentication_enabled: true });
  });

  it('forces TLS and logs slow queries, connections, lock waits, DDL and temporary files through its postgres16 parameter group', () => {
    expect(json).toHaveResourceWithProperties(DbParameterGroup, {
      name: 'drop-staging-postgres16',
      family: 'postgres16',
      parameter: [
        { name: 'rds.force_ssl', value: '1', apply_method: 'immediate' },
        { name: 'log_min_duration_statement', value: '500', apply_method: 'immediate' },
        { name: 'log_connections', value: '1', apply_method: 'immediate' },
        { name: 'log_disconnections', value: '1', apply_method: 'immediate' },
        { name: 'log_lock_waits', value: '1', apply_method: 'immediate' },
        { name: 'log_statement', value: 'ddl', apply_method: 'immediate' },
        { name: 'log_temp_files', value: '10240', apply_method: 'immediate' },
        // A static parameter: RDS refuses `immediate` for it.
        { name: 'shared_preload_libraries', value: 'pg_stat_statements', apply_method: 'pending-reboot' },
      ],
    });
    expect(instance.parameter_group_name).toBe('${aws_db_parameter_group.database_parameters_58B6739C.name}');
  });

  it("lives in the network's private subnets only", () => {
    expect(json).toHaveResourceWithProperties(DbSubnetGroup, {
      name: 'drop-staging-postgres',
      subnet_ids: ['${aws_subnet.network_private-0_A0649C48.id}', '${aws_subnet.network_private-1_4188AF2B.id}'],
    });
    expect(instance.db_subnet_group_name).toBe('${aws_db_subnet_group.database_subnets_53A37123.name}');
  });

  it('admits PostgreSQL only from the client security group, through a group of its own without inline rules', () => {
    const group = '${aws_security_group.database_security-group_BF0DE645.id}';
    expect(json).toHaveResourceWithProperties(SecurityGroup, {
      name: 'drop-staging-postgres',
      vpc_id: '${aws_vpc.network_vpc_4E8F0223.id}',
    });
    const own = parsed.resource.aws_security_group['database_security-group_BF0DE645'];
    expect(own.ingress).toBeUndefined();
    expect(own.egress).toBeUndefined();
    expect(Object.values(parsed.resource.aws_vpc_security_group_ingress_rule)).toEqual([
      {
        security_group_id: group,
        description: 'PostgreSQL from the compute services',
        ip_protocol: 'tcp',
        from_port: 5432,
        to_port: 5432,
        referenced_security_group_id: '${aws_security_group.clients.id}',
      },
    ]);
    expect(parsed.resource.aws_vpc_security_group_egress_rule).toBeUndefined();
    expect(instance.vpc_security_group_ids).toEqual([group]);
    expect(database.securityGroup.friendlyUniqueId).toBe('database_security-group_BF0DE645');
  });

  it('sends enhanced monitoring through a role only RDS monitoring may assume, at the given interval', () => {
    expect(json).toHaveResourceWithProperties(DbInstance, {
      monitoring_interval: 60,
      monitoring_role_arn: '${aws_iam_role.database_monitoring-role_DD73B2F2.arn}',
    });
    expect(json).toHaveResourceWithProperties(IamRole, {
      name: 'drop-staging-rds-monitoring',
      assume_role_policy: '${data.aws_iam_policy_document.database_monitoring-trust_6535EA22.json}',
    });
    expect(parsed.data.aws_iam_policy_document['database_monitoring-trust_6535EA22'].statement).toEqual([
      { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['monitoring.rds.amazonaws.com'] }] },
    ]);
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      role: '${aws_iam_role.database_monitoring-role_DD73B2F2.name}',
      policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
    });
  });

  it('keeps Performance Insights for the given days, encrypted with the database key', () => {
    expect(json).toHaveResourceWithProperties(DbInstance, {
      performance_insights_enabled: true,
      performance_insights_kms_key_id: DATABASE_KEY,
      performance_insights_retention_period: 7,
    });
  });

  it('exports its PostgreSQL and upgrade logs to log groups it creates first, encrypted with the log key and with retention', () => {
    expect(json).toHaveResourceWithProperties(DbInstance, { enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'] });
    for (const log of ['postgresql', 'upgrade']) {
      expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: `/aws/rds/instance/drop-staging-postgres/${log}`,
        retention_in_days: 30,
        kms_key_id: LOGS_KEY,
      });
    }
    // Created before the instance: RDS would otherwise create them unencrypted and kept forever.
    expect(instance.depends_on).toEqual([
      'aws_cloudwatch_log_group.database_postgresql-logs_86F4EEE6',
      'aws_cloudwatch_log_group.database_upgrade-logs_27C6F22F',
    ]);
  });

  it('lets CloudWatch Logs use the log key, and not the database key', () => {
    const sids = (policy: string) => parsed.data.aws_iam_policy_document[policy].statement.map((s: { sid: string }) => s.sid);
    expect(sids('logs-key_policy_AD7C104E')).toContain('ServiceLogs');
    expect(sids('database-key_policy_1E0F7730')).not.toContain('ServiceLogs');
  });

  it('tells what other constructs read of it: its identifier, its memory and its instance', () => {
    expect(database.identifier).toBe('drop-staging-postgres');
    expect(database.memoryGib).toBe(4);
    expect(`aws_db_instance.${database.instance.friendlyUniqueId}`).toBe(INSTANCE);
  });
});

describe('a PostgresDatabase that must survive', () => {
  it('autoscales its storage, runs in two zones, is protected from deletion, keeps a final snapshot and refuses a Terraform destroy', () => {
    // GIVEN production-like settings, WHEN synthesized
    const { json } = synthesized(
      {
        instanceClass: 'db.r6g.large',
        maxAllocatedStorageGb: 500,
        multiAz: true,
        backupRetentionDays: 30,
        deletionProtection: true,
        finalSnapshot: true,
        monitoringIntervalSeconds: 15,
        performanceInsightsRetentionDays: 31,
      },
      { preventDestroy: true },
    );
    // THEN
    expect(json).toHaveResourceWithProperties(DbInstance, {
      instance_class: 'db.r6g.large',
      allocated_storage: 100,
      max_allocated_storage: 500,
      multi_az: true,
      backup_retention_period: 30,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'drop-staging-postgres-final',
      monitoring_interval: 15,
      performance_insights_retention_period: 31,
      lifecycle: { prevent_destroy: true },
    });
  });

  it("sets its log groups' retention from the settings", () => {
    const { json } = synthesized({ logRetentionDays: 365 });
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/rds/instance/drop-staging-postgres/postgresql',
      retention_in_days: 365,
    });
  });
});

describe('a PostgresDatabase with settings RDS cannot run', () => {
  it('is refused before it makes anything, with its construct path, each problem and the value found', () => {
    // GIVEN autoscaling at the allocation and a backup window inside maintenance
    const build = () => databaseStack({ maxAllocatedStorageGb: 100, backupWindow: '03:00-03:30' });
    // WHEN / THEN
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(
      [
        'test/database (2 problems):',
        '  - maxAllocatedStorageGb: must be above allocatedStorageGb (100) to autoscale; omit it to turn autoscaling off (found: 100)',
        '  - backupWindow: overlaps maintenanceWindow "sun:03:00-sun:04:00" (on sun); expected a daily window outside it (found: "03:00-03:30")',
      ].join('\n'),
    );
  });
});
