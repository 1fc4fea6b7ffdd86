/** RDS: encryption, exposure, monitoring, backups, TLS and logging of the PostgreSQL instance. */
import { type TerraformJson } from '../../terraform';
import { type Rule, perResource, referenced, isTrue, isPostgres } from './kit';
/** RDS CAs that are current (the rds-ca-2019 family expired in 2024). */
export const CURRENT_RDS_CAS = ['rds-ca-rsa2048-g1', 'rds-ca-rsa4096-g1', 'rds-ca-ecc384-g1'];

/** Parameters of the instance's parameter group, or undefined when it uses the engine default. */
function parametersOf(json: TerraformJson, body: Record<string, any>): Map<string, string> | undefined {
  const group = referenced(json, body.parameter_group_name, 'aws_db_parameter_group');
  if (!group) return undefined;
  return new Map((group.parameter ?? []).map((p: any) => [String(p.name), String(p.value)]));
}

export const rdsRules: Rule[] = [
  perResource(
    {
      id: 'rds-storage-encrypted',
      title: 'RDS storage is encrypted with a customer-managed KMS key',
      mirrors: ['checkov CKV_AWS_16', 'trivy AVD-AWS-0080'],
      fix: 'Set storage_encrypted = true and kms_key_id to a customer-managed key (PostgresDatabase does).',
    },
    ['aws_db_instance'],
    (b) =>
      !isTrue(b.storage_encrypted)
        ? 'storage_encrypted is not true'
        : !b.kms_key_id
          ? 'no kms_key_id: encrypted with the AWS-managed key, not ours'
          : undefined,
  ),
  perResource(
    {
      id: 'rds-not-public',
      title: 'RDS instance is not publicly accessible',
      // AVD-AWS-0082 was merged into AVD-AWS-0180 (aquasecurity/trivy-checks a1322dc, "dedupe AVD-AWS-0180", 2023).
      mirrors: ['checkov CKV_AWS_17', 'trivy AVD-AWS-0180'],
      fix: 'Set publicly_accessible = false; clients reach the database through the VPC.',
    },
    ['aws_db_instance'],
    (b) => (isTrue(b.publicly_accessible) ? 'publicly_accessible = true' : undefined),
  ),
  perResource(
    {
      id: 'rds-enhanced-monitoring',
      title: 'RDS enhanced monitoring is on',
      mirrors: ['checkov CKV_AWS_118'],
      fix: 'Set monitoring_interval (1-60 s) and monitoring_role_arn.',
    },
    ['aws_db_instance'],
    (b) =>
      !(Number(b.monitoring_interval) > 0) || !b.monitoring_role_arn
        ? `monitoring_interval is ${b.monitoring_interval ?? 'unset'}${b.monitoring_role_arn ? '' : ', no monitoring_role_arn'}`
        : undefined,
  ),
  perResource(
    {
      id: 'rds-log-exports',
      title: 'RDS exports its engine logs to CloudWatch',
      mirrors: ['checkov CKV_AWS_129'],
      fix: 'Set enabled_cloudwatch_logs_exports (["postgresql", "upgrade"] for PostgreSQL).',
    },
    ['aws_db_instance'],
    (b) => {
      const exports: string[] = b.enabled_cloudwatch_logs_exports ?? [];
      if (exports.length === 0) return 'enabled_cloudwatch_logs_exports is empty';
      return isPostgres(b) && !exports.includes('postgresql') ? 'the "postgresql" log is not exported' : undefined;
    },
  ),
  perResource(
    {
      id: 'rds-multi-az',
      title: 'RDS instance is Multi-AZ',
      mirrors: ['checkov CKV_AWS_157'],
      fix: 'Set database.multiAz = true in the environment file.',
    },
    ['aws_db_instance'],
    (b) => (!isTrue(b.multi_az) ? 'multi_az is not true: one availability zone failing takes the database down' : undefined),
  ),
  perResource(
    {
      id: 'rds-iam-authentication',
      title: 'RDS IAM database authentication is on',
      mirrors: ['checkov CKV_AWS_161', 'trivy AVD-AWS-0176'],
      fix: 'Set iam_database_authentication_enabled = true.',
    },
    ['aws_db_instance'],
    (b) => (!isTrue(b.iam_database_authentication_enabled) ? 'iam_database_authentication_enabled is not true' : undefined),
  ),
  perResource(
    {
      id: 'rds-auto-minor-version-upgrade',
      title: 'RDS applies minor engine upgrades',
      mirrors: ['checkov CKV_AWS_226'],
      fix: 'Leave auto_minor_version_upgrade at true.',
    },
    ['aws_db_instance'],
    (b) =>
      b.auto_minor_version_upgrade === false
        ? 'auto_minor_version_upgrade = false: security fixes wait for someone to remember'
        : undefined,
  ),
  perResource(
    {
      id: 'rds-deletion-protection',
      title: 'RDS deletion protection is on',
      mirrors: ['checkov CKV_AWS_293', 'trivy AVD-AWS-0177'],
      fix: 'Set database.deletionProtection = true in the environment file.',
    },
    ['aws_db_instance'],
    (b) => (!isTrue(b.deletion_protection) ? 'deletion_protection is not true' : undefined),
  ),
  perResource(
    {
      id: 'rds-performance-insights',
      title: 'RDS Performance Insights is on',
      mirrors: ['checkov CKV_AWS_353', 'trivy AVD-AWS-0133'],
      fix: 'Set performance_insights_enabled = true.',
    },
    ['aws_db_instance'],
    (b) => (!isTrue(b.performance_insights_enabled) ? 'performance_insights_enabled is not true' : undefined),
  ),
  perResource(
    {
      id: 'rds-performance-insights-encrypted',
      title: 'RDS Performance Insights is encrypted with a customer-managed key',
      mirrors: ['checkov CKV_AWS_354'],
      fix: 'Set performance_insights_kms_key_id to the database key.',
    },
    ['aws_db_instance'],
    (b) =>
      isTrue(b.performance_insights_enabled) && !b.performance_insights_kms_key_id ? 'no performance_insights_kms_key_id' : undefined,
  ),
  perResource(
    {
      id: 'rds-copy-tags-to-snapshot',
      title: 'RDS copies tags to snapshots',
      mirrors: ['checkov CKV2_AWS_60'],
      fix: 'Set copy_tags_to_snapshot = true.',
    },
    ['aws_db_instance'],
    (b) => (!isTrue(b.copy_tags_to_snapshot) ? 'copy_tags_to_snapshot is not true' : undefined),
  ),
  perResource(
    {
      id: 'rds-backup-retention',
      title: "RDS keeps automated backups for at least 7 days (stricter than the scanners' 1 day)",
      mirrors: ['checkov CKV_AWS_133', 'trivy AVD-AWS-0077'],
      fix: 'Set database.backupRetentionDays to 7 or more.',
    },
    ['aws_db_instance'],
    (b) =>
      !(Number(b.backup_retention_period) >= 7) ? `backup_retention_period is ${b.backup_retention_period ?? 'unset (1 day)'}` : undefined,
  ),
  perResource(
    {
      id: 'rds-current-ca',
      title: 'RDS uses a current certificate authority',
      mirrors: ['checkov CKV_AWS_211'],
      fix: `Set ca_cert_identifier to one of ${CURRENT_RDS_CAS.join(', ')}.`,
    },
    ['aws_db_instance'],
    (b) =>
      !CURRENT_RDS_CAS.includes(b.ca_cert_identifier) ? `ca_cert_identifier is ${JSON.stringify(b.ca_cert_identifier ?? null)}` : undefined,
  ),
  perResource(
    {
      id: 'rds-managed-master-password',
      title: 'RDS manages the master password in Secrets Manager (never in state)',
      mirrors: ['own', 'checkov CKV_SECRET_6'],
      fix: 'Set manage_master_user_password = true and remove password.',
    },
    ['aws_db_instance'],
    (b) =>
      b.password !== undefined
        ? 'password is set: it lands in Terraform state'
        : !isTrue(b.manage_master_user_password) && !b.replicate_source_db
          ? 'manage_master_user_password is not true'
          : undefined,
  ),
  perResource(
    {
      id: 'rds-force-ssl',
      title: 'RDS PostgreSQL refuses unencrypted connections (rds.force_ssl = 1)',
      mirrors: ['checkov CKV2_AWS_69'],
      fix: 'Use a parameter group with rds.force_ssl = 1 (PARAMETERS in postgres-database.ts).',
    },
    ['aws_db_instance'],
    (b, _r, json) => {
      if (!isPostgres(b)) return undefined;
      const parameters = parametersOf(json, b);
      if (!parameters) return 'no parameter group of this stack: the engine default does not set rds.force_ssl';
      return parameters.get('rds.force_ssl') !== '1' ? `rds.force_ssl is ${parameters.get('rds.force_ssl') ?? 'unset'}` : undefined;
    },
  ),
  perResource(
    {
      id: 'rds-query-logging',
      title: 'RDS PostgreSQL logs statements (log_statement, log_min_duration_statement)',
      mirrors: ['checkov CKV2_AWS_30'],
      fix: 'Set log_statement (e.g. ddl) and log_min_duration_statement in the parameter group.',
    },
    ['aws_db_instance'],
    (b, _r, json) => {
      if (!isPostgres(b)) return undefined;
      const parameters = parametersOf(json, b);
      const missing = ['log_statement', 'log_min_duration_statement'].filter(
        (name) => !parameters?.has(name) || parameters.get(name) === 'none' || parameters.get(name) === '-1',
      );
      return missing.length > 0 ? `not set in the parameter group: ${missing.join(', ')}` : undefined;
    },
  ),
];
