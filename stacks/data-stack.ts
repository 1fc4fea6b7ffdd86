/** The data stack: network, RDS PostgreSQL 16, its alarms and its migration job. Changes rarely, and carefully. */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { Annotations, Fn, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { type AppSecret, AppSecrets } from '../constructs/app-secrets';
import { DatabaseAlarms } from '../constructs/database-alarms';
import { DatabaseMigrationJob } from '../constructs/database-migration-job';
import { EncryptionKey } from '../constructs/encryption-key';
import { Network } from '../constructs/network';
import { POSTGRES_PORT, PostgresDatabase } from '../constructs/postgres-database';
import { SECRET_ARN_KEYS, type SecretArnKey, consume, publish } from './contract';
import { DropStack, type DropStackProps } from './drop-stack';

/** Days a deleted secret can still be restored: longer where losing it hurts more. */
function defaultRecoveryWindowDays(tier: EnvironmentConfig['tier']): number {
  return tier === 'production' ? 30 : 7;
}

export class DataStack extends DropStack {
  readonly network: Network;
  readonly database: PostgresDatabase;
  readonly alarmTopic: SnsTopic;

  constructor(scope: Construct, props: DropStackProps) {
    super(scope, 'data', props);
    const { config, naming } = this;
    const region = config.aws.region;
    const account = new DataAwsCallerIdentity(this, 'account');

    const databaseKey = new EncryptionKey(this, 'database-key', {
      naming,
      account,
      purpose: 'database',
      region,
      description: `Encrypts the ${naming.resource()} database, its snapshots, Performance Insights and master secret`,
    });
    const observabilityKey = new EncryptionKey(this, 'observability-key', {
      naming,
      account,
      purpose: 'observability',
      description: `Encrypts the ${naming.resource()} log groups and alarm topic`,
      region,
    });

    this.network = new Network(this, 'network', {
      naming,
      cidr: config.network.cidr,
      availabilityZones: config.network.availabilityZones,
      natGateways: config.network.natGateways,
      flowLogRetentionDays: config.network.flowLogRetentionDays,
      logKey: observabilityKey,
    });

    // The compute services' VPC connector joins this group: HTTPS out (through NAT) and the database.
    const computeGroup = new SecurityGroup(this, 'compute-security-group', {
      name: naming.resource('compute'),
      description: 'Compute services (VPC connector): HTTPS egress and PostgreSQL',
      vpcId: this.network.vpc.id,
    });

    this.database = new PostgresDatabase(this, 'database', {
      naming,
      network: this.network,
      settings: config.database,
      key: databaseKey,
      logKey: observabilityKey,
      clientSecurityGroup: computeGroup,
      preventDestroy: config.tier === 'production',
    });

    new VpcSecurityGroupEgressRule(this, 'compute-to-database', {
      securityGroupId: computeGroup.id,
      description: 'PostgreSQL',
      ipProtocol: 'tcp',
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      referencedSecurityGroupId: this.database.securityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, 'compute-to-internet', {
      securityGroupId: computeGroup.id,
      description: 'HTTPS to BankID, Sentry and AWS APIs, through NAT',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });

    this.alarmTopic = new SnsTopic(this, 'alarm-topic', {
      name: naming.resource('alarms'),
      kmsMasterKeyId: observabilityKey.arn,
    });
    // Alarms and RDS events publish to the encrypted topic, and to no other topic with this key.
    // The ARN is written out: the topic's own attribute would make the key depend on the topic.
    observabilityKey.allowSnsPublishers(`arn:aws:sns:${region}:${account.accountId}:${naming.resource('alarms')}`, [
      'cloudwatch.amazonaws.com',
      'events.rds.amazonaws.com',
    ]);
    // People, or an incident tool, behind the topic: without a subscriber every alarm is lost.
    config.alarms.subscribers.forEach((subscriber, index) => {
      new SnsTopicSubscription(this, `alarm-subscriber-${index}`, {
        topicArn: this.alarmTopic.arn,
        protocol: subscriber.protocol,
        endpoint: subscriber.endpoint,
      });
    });
    if (config.alarms.subscribers.length === 0) {
      Annotations.of(this.alarmTopic).addWarning(
        `alarms.subscribers is empty: the ${naming.resource('alarms')} alarms reach nobody (allowed outside production; add an email or https endpoint)`,
      );
    }

    // The services' secrets live here, before compute: each holds a value before a service reads it.
    const secretsKey = new EncryptionKey(this, 'secrets-key', {
      naming,
      account,
      purpose: 'secrets',
      region,
      description: `Encrypts the ${naming.resource()} service secrets`,
    });
    const appSecrets = new AppSecrets(this, 'app-secrets', {
      naming,
      key: secretsKey,
      recoveryWindowInDays: defaultRecoveryWindowDays(config.tier),
    }).secrets;

    new DatabaseAlarms(this, 'database-alarms', {
      naming,
      database: this.database,
      topic: this.alarmTopic,
      memoryGib: this.database.memoryGib,
      allocatedStorageGb: config.database.allocatedStorageGb,
    });

    const instance = this.database.instance;
    const masterSecretArn = instance.masterUserSecret.get(0).secretArn;
    // Migrations and the database roles: a one-off task with the master secret, before every
    // release (npm run db:migrate). The services connect as the runtime role, with IAM tokens.
    const migration = new DatabaseMigrationJob(this, 'migration-job', {
      naming,
      region,
      repositoryArn: consume(this, naming, 'registry', 'apiRepositoryArn'),
      masterSecretArn,
      masterSecretKey: databaseKey,
      logKey: observabilityKey,
    });

    const secretArns = Object.fromEntries(
      (Object.keys(SECRET_ARN_KEYS) as AppSecret[]).map((variable) => [SECRET_ARN_KEYS[variable], appSecrets[variable].arn]),
    ) as Record<SecretArnKey, string>;
    publish(this, naming, 'data', {
      privateSubnetIds: Fn.join(
        ',',
        this.network.privateSubnets.map((subnet) => subnet.id),
      ),
      publicSubnetIds: Fn.join(
        ',',
        this.network.publicSubnets.map((subnet) => subnet.id),
      ),
      computeSecurityGroupId: computeGroup.id,
      databaseAddress: instance.address,
      databasePort: String(POSTGRES_PORT),
      databaseName: instance.dbName,
      databaseSecretArn: masterSecretArn,
      databaseResourceId: instance.resourceId,
      migrationClusterArn: migration.cluster.arn,
      migrationExecutionRoleArn: migration.executionRole.arn,
      migrationLogGroup: migration.logGroup.name,
      databaseKeyArn: databaseKey.arn,
      alarmTopicArn: this.alarmTopic.arn,
      secretsKeyArn: secretsKey.arn,
      ...secretArns,
    });

    new TerraformOutput(this, 'database-identifier', { value: this.database.identifier });
    new TerraformOutput(this, 'database-address', { value: instance.address });
    new TerraformOutput(this, 'alarm-topic-arn', { value: this.alarmTopic.arn });
  }
}
