import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { DatabaseMigrationJob, MIGRATION_LOG_RETENTION_DAYS } from '../../constructs/database-migration-job';
import { EncryptionKey } from '../../constructs/encryption-key';
import { Naming } from '../../constructs/naming';
import { resourcesOf, testApp } from '../helpers';

const MASTER_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0000-AbCdEf';
const REPOSITORY = 'arn:aws:ecr:eu-west-1:123456789012:repository/drop-staging/api';

function jobInStack() {
  const stack = new TerraformStack(testApp(), 'test');
  const naming = new Naming({ project: 'drop', name: 'staging' });
  const account = new DataAwsCallerIdentity(stack, 'account');
  const key = (purpose: string) =>
    new EncryptionKey(stack, `${purpose}-key`, { naming, account, region: 'eu-west-1', purpose, description: purpose });
  const job = new DatabaseMigrationJob(stack, 'job', {
    naming,
    region: 'eu-west-1',
    repositoryArn: REPOSITORY,
    masterSecretArn: MASTER_SECRET,
    masterSecretKey: key('database'),
    logKey: key('observability'),
  });
  const json = Testing.synth(stack);
  return { job, json, parsed: JSON.parse(json) };
}

describe('DatabaseMigrationJob', () => {
  it('runs in a cluster of its own and logs to an encrypted log group kept a year', () => {
    // GIVEN / WHEN
    const { json } = jobInStack();
    // THEN
    expect(json).toHaveResourceWithProperties(EcsCluster, { name: 'drop-staging-jobs' });
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/drop/staging/db-migrate',
      retention_in_days: MIGRATION_LOG_RETENTION_DAYS,
      kms_key_id: '${aws_kms_key.observability-key_2E3FBCDD.arn}',
    });
  });

  it('gives only its execution role the master secret: read it, decrypt it through Secrets Manager, pull the api image, write its logs', () => {
    // GIVEN / WHEN
    const { json, parsed } = jobInStack();
    // THEN
    expect(json).toHaveResourceWithProperties(IamRole, { name: 'drop-staging-db-migrate-execution' });
    const documents = parsed.data.aws_iam_policy_document;
    const trust = Object.entries<any>(documents).find(([id]) => id.includes('execution-trust'))![1];
    expect(trust.statement[0].principals).toEqual([{ type: 'Service', identifiers: ['ecs-tasks.amazonaws.com'] }]);
    const start = Object.entries<any>(documents).find(([id]) => id.startsWith('job_execution_'))![1];
    const bySid = Object.fromEntries(start.statement.map((s: { sid: string }) => [s.sid, s]));
    expect(Object.keys(bySid)).toEqual(['EcrLogin', 'PullOwnImage', 'WriteOwnLogs', 'ReadMasterSecret', 'DecryptMasterSecret']);
    expect(bySid.PullOwnImage.resources).toEqual([REPOSITORY]);
    expect(bySid.WriteOwnLogs.resources).toEqual([expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.job_logs_[A-F0-9]+\.arn\}:\*$/)]);
    expect(bySid.ReadMasterSecret).toEqual({
      sid: 'ReadMasterSecret',
      effect: 'Allow',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [MASTER_SECRET],
    });
    expect(bySid.DecryptMasterSecret).toMatchObject({
      actions: ['kms:Decrypt'],
      resources: ['${aws_kms_key.database-key_C4D88439.arn}'],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.eu-west-1.amazonaws.com'] }],
    });
  });

  it('has no task role: the job container holds no AWS credentials', () => {
    // GIVEN / WHEN
    const { parsed } = jobInStack();
    // THEN
    expect(Object.values(resourcesOf(parsed, 'aws_iam_role')).map((r) => r.name)).toEqual(['drop-staging-db-migrate-execution']);
  });
});
