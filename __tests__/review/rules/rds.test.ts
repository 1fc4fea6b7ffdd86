/** The RDS rules of the gate, each caught on a deliberately broken copy of a real synth. */
import { describe } from 'vitest';
import { rdsRules } from '../../../review/policy/rules/rds';
import { at } from '../fixtures';
import { type Case, db, onDb, ruleCases } from './kit';

const CASES: Case[] = [
  { rule: 'rds-storage-encrypted', name: 'storage_encrypted = false', broken: onDb((b) => (b.storage_encrypted = false)) },
  { rule: 'rds-storage-encrypted', name: 'AWS-managed key', broken: onDb((b) => delete b.kms_key_id) },
  { rule: 'rds-not-public', name: 'publicly accessible', broken: onDb((b) => (b.publicly_accessible = true)) },
  { rule: 'rds-enhanced-monitoring', name: 'monitoring off', broken: onDb((b) => (b.monitoring_interval = 0)) },
  { rule: 'rds-log-exports', name: 'no log exports', broken: onDb((b) => (b.enabled_cloudwatch_logs_exports = [])) },
  { rule: 'rds-multi-az', name: 'single-AZ production', env: 'production', broken: onDb((b) => (b.multi_az = false)) },
  { rule: 'rds-iam-authentication', name: 'IAM auth off', broken: onDb((b) => (b.iam_database_authentication_enabled = false)) },
  { rule: 'rds-auto-minor-version-upgrade', name: 'minor upgrades off', broken: onDb((b) => (b.auto_minor_version_upgrade = false)) },
  {
    rule: 'rds-deletion-protection',
    name: 'unprotected production',
    env: 'production',
    broken: onDb((b) => (b.deletion_protection = false)),
  },
  { rule: 'rds-performance-insights', name: 'Performance Insights off', broken: onDb((b) => (b.performance_insights_enabled = false)) },
  { rule: 'rds-performance-insights-encrypted', name: 'PI without our key', broken: onDb((b) => delete b.performance_insights_kms_key_id) },
  { rule: 'rds-copy-tags-to-snapshot', name: 'tags not copied', broken: onDb((b) => (b.copy_tags_to_snapshot = false)) },
  { rule: 'rds-backup-retention', name: 'one day of backups', broken: onDb((b) => (b.backup_retention_period = 1)) },
  { rule: 'rds-current-ca', name: 'expired CA', broken: onDb((b) => (b.ca_cert_identifier = 'rds-ca-2019')) },
  {
    rule: 'rds-managed-master-password',
    name: 'password in state',
    broken: onDb((b) => {
      b.manage_master_user_password = false;
      b.password = '${var.db_password}';
    }),
  },
  {
    rule: 'rds-force-ssl',
    name: 'rds.force_ssl = 0',
    broken: (s) => {
      const group = at(s, 'data', 'aws_db_parameter_group', 'database/parameters');
      group.body.parameter.find((p: any) => p.name === 'rds.force_ssl').value = '0';
      return { stack: 'data', address: db(s).address };
    },
  },
  { rule: 'rds-force-ssl', name: 'default parameter group', broken: onDb((b) => delete b.parameter_group_name) },
  {
    rule: 'rds-query-logging',
    name: 'no log_statement',
    broken: (s) => {
      const group = at(s, 'data', 'aws_db_parameter_group', 'database/parameters');
      group.body.parameter = group.body.parameter.filter((p: any) => p.name !== 'log_statement');
      return { stack: 'data', address: db(s).address };
    },
  },
];

describe('RDS rules', () => ruleCases(rdsRules, CASES));
