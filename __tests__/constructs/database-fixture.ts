/**
 * A test stack for the database constructs: a PostgreSQL database and what it needs (a network, a
 * key for the database and one for its logs, the security group of its clients), with small
 * staging-like settings that a test overrides field by field. The network's flow logs have a key
 * of their own, so that what the database grants on its log key is its own doing.
 */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { TerraformStack } from 'cdktf';
import { EncryptionKey } from '../../constructs/encryption-key';
import { Naming } from '../../constructs/naming';
import { Network } from '../../constructs/network';
import { type DatabaseSettings, PostgresDatabase, type PostgresDatabaseProps } from '../../constructs/postgres-database';
import { testApp } from '../helpers';

/** A db.t3.medium (4 GiB) of 100 GB, single-AZ, without autoscaling, deletion protection or final snapshot. */
export const SETTINGS: DatabaseSettings = {
  engineVersion: '16',
  instanceClass: 'db.t3.medium',
  allocatedStorageGb: 100,
  multiAz: false,
  backupRetentionDays: 7,
  backupWindow: '01:00-01:30',
  maintenanceWindow: 'sun:03:00-sun:04:00',
  deletionProtection: false,
  finalSnapshot: false,
  monitoringIntervalSeconds: 60,
  performanceInsightsRetentionDays: 7,
  logRetentionDays: 30,
};

/** GIVEN a stack holding the database `database`, with `SETTINGS` and `overrides` of them, and what it needs. */
export function databaseStack(
  overrides: Partial<DatabaseSettings> = {},
  props: Pick<Partial<PostgresDatabaseProps>, 'preventDestroy'> = {},
) {
  const stack = new TerraformStack(testApp(), 'test');
  const naming = new Naming({ project: 'drop', name: 'staging' });
  const account = new DataAwsCallerIdentity(stack, 'account');
  const region = 'eu-west-1';
  const key = new EncryptionKey(stack, 'database-key', { naming, account, region, purpose: 'database', description: 'test' });
  const logKey = new EncryptionKey(stack, 'logs-key', { naming, account, region, purpose: 'logs', description: 'test' });
  const network = new Network(stack, 'network', {
    naming,
    cidr: '10.20.0.0/16',
    availabilityZones: 2,
    natGateways: 1,
    flowLogRetentionDays: 30,
    logKey: new EncryptionKey(stack, 'flow-logs-key', { naming, account, region, purpose: 'flow-logs', description: 'test' }),
  });
  const database = new PostgresDatabase(stack, 'database', {
    naming,
    network,
    key,
    logKey,
    clientSecurityGroup: new SecurityGroup(stack, 'clients', { vpcId: network.vpc.id }),
    preventDestroy: props.preventDestroy ?? false,
    settings: { ...SETTINGS, ...overrides },
  });
  return { stack, naming, database };
}
