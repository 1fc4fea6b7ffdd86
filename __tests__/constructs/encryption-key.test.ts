import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { EncryptionKey } from '../../constructs/encryption-key';
import { PolicyStatements } from '../../constructs/iam';
import { Naming } from '../../constructs/naming';
import { testApp } from '../helpers';

function keyInStack() {
  const stack = new TerraformStack(testApp(), 'test');
  const account = new DataAwsCallerIdentity(stack, 'account');
  const key = new EncryptionKey(stack, 'key', {
    naming: new Naming({ project: 'drop', name: 'staging' }),
    account,
    region: 'eu-west-1',
    purpose: 'logs',
    description: 'test key',
  });
  const statements = () => {
    const documents = JSON.parse(Testing.synth(stack)).data.aws_iam_policy_document;
    return (Object.values(documents)[0] as { statement: any[] }).statement;
  };
  return { key, statements };
}

describe('EncryptionKey', () => {
  it('lets only the account administer the key through IAM when nothing is granted', () => {
    // GIVEN / WHEN
    const { statements } = keyInStack();
    // THEN
    expect(statements().map((s) => s.sid)).toEqual(['AccountAdministersThroughIam']);
  });

  it('renders grants made after the key exists, in the order they were made', () => {
    // GIVEN
    const { key, statements } = keyInStack();
    // WHEN
    key.allowCloudWatchLogs();
    key.grant('cloudwatch.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*']);
    // THEN
    expect(statements().map((s) => s.sid)).toEqual(['AccountAdministersThroughIam', 'ServiceLogs', 'ServiceCloudwatch']);
    expect(statements()[2]).toMatchObject({
      principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    });
  });

  it('lets CloudWatch Logs use the key for the named log groups of its region and account only', () => {
    // GIVEN
    const { key, statements } = keyInStack();
    // WHEN
    key.allowCloudWatchLogs('/drop/staging/*');
    // THEN
    expect(statements()[1]).toMatchObject({
      principals: [{ type: 'Service', identifiers: ['logs.eu-west-1.amazonaws.com'] }],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      condition: [
        {
          test: 'ArnLike',
          variable: 'kms:EncryptionContext:aws:logs:arn',
          values: ['arn:aws:logs:eu-west-1:${data.aws_caller_identity.account.account_id}:log-group:/drop/staging/*'],
        },
      ],
    });
  });

  it('lets alarms and RDS events publish to the one encrypted SNS topic, by the encryption context SNS always sends', () => {
    // GIVEN
    const { key, statements } = keyInStack();
    const topic = 'arn:aws:sns:eu-west-1:123456789012:drop-staging-alarms';
    // WHEN
    key.allowSnsPublishers(topic, ['cloudwatch.amazonaws.com', 'events.rds.amazonaws.com']);
    // THEN
    const condition = [{ test: 'StringEquals', variable: 'kms:EncryptionContext:aws:sns:topicArn', values: [topic] }];
    expect(statements().slice(1)).toEqual([
      expect.objectContaining({
        principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        condition,
      }),
      expect.objectContaining({ principals: [{ type: 'Service', identifiers: ['events.rds.amazonaws.com'] }], condition }),
    ]);
  });

  it('grants CloudWatch Logs once when two log-group owners ask for the same log groups', () => {
    // GIVEN
    const { key, statements } = keyInStack();
    // WHEN
    key.allowCloudWatchLogs('/drop/staging/*');
    key.allowCloudWatchLogs('/drop/staging/*');
    // THEN
    expect(statements()).toHaveLength(2);
    expect(statements()[1].condition[0].values).toHaveLength(1);
  });

  it('widens the one CloudWatch Logs statement when asked for other log groups', () => {
    // GIVEN
    const { key, statements } = keyInStack();
    // WHEN
    key.allowCloudWatchLogs('/drop/staging/*');
    key.allowCloudWatchLogs('/aws/rds/*');
    // THEN
    expect(statements()).toHaveLength(2);
    expect(statements()[1].condition[0].values.map((v: string) => v.split(':log-group:')[1])).toEqual(['/drop/staging/*', '/aws/rds/*']);
  });
});

describe('EncryptionKey.grantDecrypt', () => {
  it('lets the grantee decrypt with this key only, through the named service only', () => {
    // GIVEN
    const { key } = keyInStack();
    const grantee = new PolicyStatements(key, 'grantee');
    // WHEN
    key.grantDecrypt(grantee, { sid: 'DecryptOwnSecrets', viaService: 'secretsmanager.eu-west-1.amazonaws.com' });
    // THEN
    const synthesized = JSON.parse(Testing.synth(TerraformStack.of(key))).data.aws_iam_policy_document;
    const document = Object.entries<any>(synthesized).find(([name]) => name.includes('grantee'))![1];
    expect(document.statement).toEqual([
      {
        sid: 'DecryptOwnSecrets',
        effect: 'Allow',
        actions: ['kms:Decrypt'],
        resources: [expect.stringMatching(/^\$\{aws_kms_key\.key_.+\.arn\}$/)],
        condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.eu-west-1.amazonaws.com'] }],
      },
    ]);
  });
});
