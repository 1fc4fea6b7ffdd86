import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../config';
import { defaultMaxConnections, postgres16Class } from '../../constructs/rds-instance-classes';
import { synthWarnings } from '../../stacks';
import { environment, resourcesOf, synthPlatform, type TerraformJson } from '../helpers';

const DB = 'aws_db_instance.database_instance_D7FC2283';
const GIB = 1024 ** 3;

function policyWithSid(json: TerraformJson, sid: string) {
  return Object.values(json.data!.aws_iam_policy_document).find((doc) => doc.statement.some((s: { sid?: string }) => s.sid === sid));
}

const expected = {
  staging: {
    cidr: '10.20.0.0/16',
    zones: 2,
    nats: 1,
    instance: {
      instance_class: 'db.t3.micro',
      allocated_storage: 20,
      multi_az: false,
      backup_retention_period: 7,
      deletion_protection: false,
      skip_final_snapshot: true,
      monitoring_interval: 60,
    },
    maxAllocated: undefined,
    preventDestroy: false,
    finalSnapshot: undefined,
  },
  production: {
    cidr: '10.30.0.0/16',
    zones: 3,
    nats: 3,
    instance: {
      instance_class: 'db.t3.medium',
      allocated_storage: 100,
      multi_az: true,
      backup_retention_period: 30,
      deletion_protection: true,
      skip_final_snapshot: false,
      monitoring_interval: 15,
    },
    maxAllocated: 500,
    preventDestroy: true,
    finalSnapshot: 'drop-production-postgres-final',
  },
} as const;

describe.each(['staging', 'production'] as const)('the %s data stack', (name) => {
  const want = expected[name];
  const synth = synthPlatform(name);
  const json = synth.json('data');
  const parsed = synth.parsed('data');
  const instance = Object.values(resourcesOf(parsed, 'aws_db_instance'))[0];

  // The network's own layout (subnet blocks, NAT round-robin, default group, flow log role) is
  // Network's: __tests__/constructs/network.test.ts. Here: what this environment's config makes of it.
  describe('network', () => {
    it(`is a VPC of ${want.cidr} with a private and a public subnet in each of its ${want.zones} zones`, () => {
      expect(json).toHaveResourceWithProperties(Vpc, { cidr_block: want.cidr });
      const subnets = Object.values(resourcesOf(parsed, 'aws_subnet'));
      expect(subnets.filter((s) => s.tags.tier === 'private')).toHaveLength(want.zones);
      // Public subnets in every zone whatever the engine: an internet-facing load balancer (ECS
      // Express) needs two zones, and switching engine must not change the data stack.
      expect(subnets.filter((s) => s.tags.tier === 'public')).toHaveLength(want.zones);
    });

    it(`has ${want.nats} NAT gateway(s)`, () => {
      expect(Object.keys(resourcesOf(parsed, 'aws_nat_gateway'))).toHaveLength(want.nats);
      expect(Object.entries(resourcesOf(parsed, 'aws_route_table')).filter(([id]) => id.includes('private'))).toHaveLength(want.zones);
    });

    it("logs the VPC's traffic to a log group with the environment's retention, encrypted with the observability key", () => {
      const env = loadEnvironment(name);
      expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: `/drop/${name}/vpc-flow-logs`,
        retention_in_days: env.network.flowLogRetentionDays,
        kms_key_id: '${aws_kms_key.observability-key_2E3FBCDD.arn}',
      });
      expect(json).toHaveResourceWithProperties(FlowLog, { vpc_id: '${aws_vpc.network_vpc_4E8F0223.id}' });
    });
  });

  // What the database makes of its settings (engine, storage, the RDS-managed password, IAM auth,
  // parameter group, monitoring, log exports) is PostgresDatabase's: postgres-database.test.ts.
  // Here: this environment's settings, the keys and the client group the stack hands it.
  describe('database', () => {
    it("holds the environment's size, availability and backups", () => {
      expect(json).toHaveResourceWithProperties(DbInstance, {
        identifier: `drop-${name}-postgres`,
        engine_version: '16',
        backup_window: '01:00-01:30',
        maintenance_window: 'sun:03:00-sun:04:00',
        ...want.instance,
      });
      expect(instance.max_allocated_storage).toBe(want.maxAllocated);
      expect(instance.final_snapshot_identifier).toBe(want.finalSnapshot);
      expect(instance.lifecycle).toEqual({ prevent_destroy: want.preventDestroy });
    });

    it('encrypts its storage, master secret and Performance Insights with the database key', () => {
      expect(json).toHaveResourceWithProperties(DbInstance, {
        kms_key_id: '${aws_kms_key.database-key_C4D88439.arn}',
        master_user_secret_kms_key_id: '${aws_kms_key.database-key_C4D88439.arn}',
        performance_insights_kms_key_id: '${aws_kms_key.database-key_C4D88439.arn}',
        performance_insights_retention_period: 7,
      });
      // No password anywhere in the stack: not the database's, nor any other construct's.
      expect(JSON.stringify(parsed)).not.toMatch(/"password"/);
    });

    it("exports its logs to log groups encrypted with the observability key, with the environment's retention", () => {
      const env = loadEnvironment(name);
      for (const log of ['postgresql', 'upgrade']) {
        expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
          name: `/aws/rds/instance/drop-${name}-postgres/${log}`,
          retention_in_days: env.database.logRetentionDays,
          kms_key_id: '${aws_kms_key.observability-key_2E3FBCDD.arn}',
        });
      }
    });

    it('admits PostgreSQL only from the compute security group', () => {
      const ingress = Object.values(resourcesOf(parsed, 'aws_vpc_security_group_ingress_rule'));
      expect(ingress).toEqual([
        expect.objectContaining({
          security_group_id: '${aws_security_group.database_security-group_BF0DE645.id}',
          ip_protocol: 'tcp',
          from_port: 5432,
          to_port: 5432,
          referenced_security_group_id: '${aws_security_group.compute-security-group.id}',
        }),
      ]);
      const groups = Object.values(resourcesOf(parsed, 'aws_security_group'));
      expect(groups.every((g) => g.ingress === undefined && g.egress === undefined)).toBe(true);
    });

    it('lets the compute services out only to the database and to HTTPS', () => {
      const egress = Object.values(resourcesOf(parsed, 'aws_vpc_security_group_egress_rule'));
      expect(egress.map((r) => [r.from_port, r.referenced_security_group_id ?? r.cidr_ipv4])).toEqual([
        [5432, '${aws_security_group.database_security-group_BF0DE645.id}'],
        [443, '0.0.0.0/0'],
      ]);
    });

    it('keeps the Terraform addresses of its stateful resources stable', () => {
      expect(Object.keys(resourcesOf(parsed, 'aws_db_instance'))).toEqual(['database_instance_D7FC2283']);
      expect(Object.keys(resourcesOf(parsed, 'aws_kms_key')).sort()).toEqual([
        'database-key_C4D88439',
        'observability-key_2E3FBCDD',
        'secrets-key_83928A38',
      ]);
      expect(Object.keys(resourcesOf(parsed, 'aws_secretsmanager_secret')).sort()).toEqual([
        'app-secrets_bankid-client-id_FACD12B3',
        'app-secrets_bankid-client-secret_3A360577',
        'app-secrets_jwt-secret_E8EB16B3',
        'app-secrets_origin-verify_AE3DACCC',
        'app-secrets_sentry-dsn_2D0D4AFD',
      ]);
      expect(Object.keys(resourcesOf(parsed, 'aws_vpc'))).toEqual(['network_vpc_4E8F0223']);
      expect(Object.keys(resourcesOf(parsed, 'aws_db_subnet_group'))).toEqual(['database_subnets_53A37123']);
      expect(Object.keys(resourcesOf(parsed, 'aws_sns_topic'))).toEqual(['alarm-topic']);
    });

    it('keeps the addresses subnets and NAT gateways had when public subnets existed only for NAT', () => {
      const ids = (type: string) => Object.keys(resourcesOf(parsed, type)).sort();
      expect(ids('aws_subnet')).toEqual(
        [
          ...['network_private-0_A0649C48', 'network_private-1_4188AF2B', 'network_private-2_96169D1F'].slice(0, want.zones),
          ...['network_public-0_A4E682E0', 'network_public-1_8D79547B', 'network_public-2_7452BF82'].slice(0, want.zones),
        ].sort(),
      );
      expect(ids('aws_nat_gateway')).toEqual(
        ['network_nat-0_D2F55FEE', 'network_nat-1_A72B97BB', 'network_nat-2_1CA02788'].slice(0, want.nats),
      );
      expect(ids('aws_eip')).toEqual(
        ['network_nat-0-address_AFC5980F', 'network_nat-1-address_2D2E6F19', 'network_nat-2-address_CA2BC00C'].slice(0, want.nats),
      );
    });
  });

  describe('keys', () => {
    it('rotates every customer-managed key (database, observability, secrets)', () => {
      const keys = Object.values(resourcesOf(parsed, 'aws_kms_key'));
      expect(keys).toHaveLength(3);
      expect(json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
      expect(keys.every((k) => k.enable_key_rotation === true)).toBe(true);
    });

    it("lets CloudWatch Logs use the observability key only for this account's log groups", () => {
      const policy = policyWithSid(parsed, 'ServiceLogs');
      const logs = policy.statement.find((s: { sid: string }) => s.sid === 'ServiceLogs');
      expect(logs.principals).toEqual([{ type: 'Service', identifiers: ['logs.eu-west-1.amazonaws.com'] }]);
      expect(logs.condition).toEqual([
        {
          test: 'ArnLike',
          variable: 'kms:EncryptionContext:aws:logs:arn',
          values: ['arn:aws:logs:eu-west-1:${data.aws_caller_identity.account.account_id}:log-group:*'],
        },
      ]);
      expect(policy.statement.map((s: { sid: string }) => s.sid)).toEqual([
        'AccountAdministersThroughIam',
        'ServiceLogs',
        'ServiceCloudwatch',
        'ServiceEvents',
      ]);
    });

    it('lets alarms and RDS events use the observability key for the alarm topic only (the encryption context SNS sends)', () => {
      const policy = policyWithSid(parsed, 'ServiceCloudwatch');
      for (const sid of ['ServiceCloudwatch', 'ServiceEvents']) {
        expect(policy.statement.find((s: { sid: string }) => s.sid === sid).condition).toEqual([
          {
            test: 'StringEquals',
            variable: 'kms:EncryptionContext:aws:sns:topicArn',
            values: [`arn:aws:sns:eu-west-1:\${data.aws_caller_identity.account.account_id}:drop-${name}-alarms`],
          },
        ]);
      }
      expect(Object.values(resourcesOf(parsed, 'aws_sns_topic'))[0].name).toBe(`drop-${name}-alarms`);
    });
  });

  // Which secrets are generated write-only and which the operator fills is AppSecrets': app-secrets.test.ts.
  describe('app secrets', () => {
    it('encrypts every app secret with the secrets key', () => {
      const secrets = Object.values(resourcesOf(parsed, 'aws_secretsmanager_secret'));
      expect(secrets).toHaveLength(5);
      expect(secrets.map((s) => s.kms_key_id)).toEqual(secrets.map(() => '${aws_kms_key.secrets-key_83928A38.arn}'));
    });
  });

  describe('alarms', () => {
    const alarms = resourcesOf(parsed, 'aws_cloudwatch_metric_alarm');
    const byName = (suffix: string) => Object.values(alarms).find((a) => a.alarm_name === `drop-${name}-postgres-${suffix}`);

    it('go to an SNS topic encrypted with the observability key', () => {
      expect(json).toHaveResourceWithProperties(SnsTopic, {
        name: `drop-${name}-alarms`,
        kms_master_key_id: '${aws_kms_key.observability-key_2E3FBCDD.arn}',
      });
      for (const alarm of Object.values(alarms)) {
        expect(alarm.alarm_actions).toEqual(['${aws_sns_topic.alarm-topic.arn}']);
        expect(alarm.dimensions).toEqual({ DBInstanceIdentifier: `drop-${name}-postgres` });
      }
    });

    it('watch CPU, free storage, connections and memory with thresholds from the instance', () => {
      const env = loadEnvironment(name);
      const memory = (postgres16Class(env.database.instanceClass) as { memoryGib: number }).memoryGib;
      expect(byName('cpu')).toMatchObject({ metric_name: 'CPUUtilization', threshold: 80, comparison_operator: 'GreaterThanThreshold' });
      expect(byName('free-storage')).toMatchObject({
        metric_name: 'FreeStorageSpace',
        threshold: Math.round(env.database.allocatedStorageGb * GIB * 0.1),
      });
      expect(byName('connections')).toMatchObject({
        metric_name: 'DatabaseConnections',
        threshold: Math.floor(defaultMaxConnections(memory) * 0.8),
      });
      expect(byName('freeable-memory')).toMatchObject({ metric_name: 'FreeableMemory', threshold: Math.round(memory * GIB * 0.1) });
    });

    it("subscribe the topic to the instance's events (which events: database-alarms.test.ts)", () => {
      const [subscription] = Object.values(resourcesOf(parsed, 'aws_db_event_subscription'));
      expect(subscription).toMatchObject({ source_ids: [`drop-${name}-postgres`], sns_topic: '${aws_sns_topic.alarm-topic.arn}' });
    });
  });

  it('publishes what compute needs through the contract', () => {
    const values = Object.fromEntries(Object.values(resourcesOf(parsed, 'aws_ssm_parameter')).map((p) => [p.name, p.value]));
    expect(values).toEqual({
      [`/drop/${name}/data/private-subnet-ids`]: expect.stringMatching(/^\$\{join\(",", \[aws_subnet\.network_private-0_A0649C48\.id/),
      [`/drop/${name}/data/public-subnet-ids`]: expect.stringMatching(
        /^\$\{join\(",", \[aws_subnet\.network_public-0_A4E682E0\.id, aws_subnet\.network_public-1_8D79547B\.id/,
      ),
      [`/drop/${name}/data/compute-security-group-id`]: '${aws_security_group.compute-security-group.id}',
      [`/drop/${name}/data/database-address`]: `\${${DB}.address}`,
      [`/drop/${name}/data/database-port`]: '5432',
      [`/drop/${name}/data/database-name`]: `\${${DB}.db_name}`,
      [`/drop/${name}/data/database-secret-arn`]: `\${${DB}.master_user_secret[0].secret_arn}`,
      [`/drop/${name}/data/database-resource-id`]: `\${${DB}.resource_id}`,
      [`/drop/${name}/data/migration-cluster-arn`]: '${aws_ecs_cluster.migration-job_cluster_3550370A.arn}',
      [`/drop/${name}/data/migration-execution-role-arn`]: '${aws_iam_role.migration-job_execution-role_E8B7F9CB.arn}',
      [`/drop/${name}/data/migration-log-group`]: '${aws_cloudwatch_log_group.migration-job_logs_45A17FEC.name}',
      [`/drop/${name}/data/database-key-arn`]: '${aws_kms_key.database-key_C4D88439.arn}',
      [`/drop/${name}/data/alarm-topic-arn`]: '${aws_sns_topic.alarm-topic.arn}',
      [`/drop/${name}/data/secrets-key-arn`]: '${aws_kms_key.secrets-key_83928A38.arn}',
      [`/drop/${name}/data/jwt-secret-arn`]: '${aws_secretsmanager_secret.app-secrets_jwt-secret_E8EB16B3.arn}',
      [`/drop/${name}/data/bankid-client-id-secret-arn`]: '${aws_secretsmanager_secret.app-secrets_bankid-client-id_FACD12B3.arn}',
      [`/drop/${name}/data/bankid-client-secret-secret-arn`]: '${aws_secretsmanager_secret.app-secrets_bankid-client-secret_3A360577.arn}',
      [`/drop/${name}/data/sentry-dsn-secret-arn`]: '${aws_secretsmanager_secret.app-secrets_sentry-dsn_2D0D4AFD.arn}',
      [`/drop/${name}/data/origin-verify-secret-arn`]: '${aws_secretsmanager_secret.app-secrets_origin-verify_AE3DACCC.arn}',
    });
  });
});

describe('a production database on a larger class', () => {
  it('scales the connection alarm with the class memory (db.r6g.large: 16 GiB)', () => {
    const parsed = synthPlatform(environment('production', { database: { instanceClass: 'db.r6g.large' } })).parsed('data');
    const alarm = Object.values(resourcesOf(parsed, 'aws_cloudwatch_metric_alarm')).find((a) => a.metric_name === 'DatabaseConnections');
    expect(alarm.threshold).toBe(Math.floor(defaultMaxConnections(16) * 0.8));
  });
});

describe('alarm subscribers', () => {
  it('subscribes each configured endpoint to the alarm topic', () => {
    // GIVEN production with an email and an https subscriber
    const config = environment('production', {
      alarms: {
        subscribers: [
          { protocol: 'email', endpoint: 'oncall@getdrop.no' },
          { protocol: 'https', endpoint: 'https://events.pagerduty.com/x' },
        ],
      },
    });
    // WHEN
    const parsed = synthPlatform(config).parsed('data');
    // THEN
    expect(Object.values(resourcesOf(parsed, 'aws_sns_topic_subscription'))).toEqual([
      { topic_arn: '${aws_sns_topic.alarm-topic.arn}', protocol: 'email', endpoint: 'oncall@getdrop.no' },
      { topic_arn: '${aws_sns_topic.alarm-topic.arn}', protocol: 'https', endpoint: 'https://events.pagerduty.com/x' },
    ]);
  });

  it('warns at synth when a non-production environment has none', () => {
    const { platform } = synthPlatform('staging');
    expect(synthWarnings(platform.data)).toEqual([
      'data/alarm-topic: alarms.subscribers is empty: the drop-staging-alarms alarms reach nobody (allowed outside production; add an email or https endpoint)',
    ]);
    expect(synthWarnings(synthPlatform('production').platform.data)).toEqual([]);
  });
});
