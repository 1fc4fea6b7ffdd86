import {
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DBInstanceNotFoundFault,
  RDSClient,
  RestoreDBInstanceToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { RestoreError, parseCommandLine, restoreToPointInTime } from '../../scripts/restore-db';

const rds = mockClient(RDSClient);
// The infra project shares one module graph per worker (isolate: false): give the clients back to the next file.
afterAll(() => {
  rds.restore();
});
const client = new RDSClient({ region: 'eu-west-1' });
const quiet = () => undefined;

const SOURCE = {
  DBInstanceIdentifier: 'drop-production-postgres',
  DBInstanceClass: 'db.t3.medium',
  DBSubnetGroup: { DBSubnetGroupName: 'drop-production-postgres' },
  VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0db', Status: 'active' }],
  DBParameterGroups: [{ DBParameterGroupName: 'drop-production-postgres16' }],
  MultiAZ: true,
  StorageType: 'gp3',
  MaxAllocatedStorage: 500,
  AutoMinorVersionUpgrade: true,
  IAMDatabaseAuthenticationEnabled: true,
  EnabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
  CACertificateIdentifier: 'rds-ca-rsa2048-g1',
  DeletionProtection: true,
  BackupRetentionPeriod: 30,
  PreferredBackupWindow: '01:00-01:30',
  MasterUserSecret: {
    SecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1',
    KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/db',
  },
  TagList: [
    { Key: 'environment', Value: 'production' },
    { Key: 'aws:cloudformation:stack', Value: 'x' },
  ],
};
const WINDOW = { EarliestTime: new Date('2026-01-22T00:00:00Z'), LatestTime: new Date('2026-02-21T12:00:00Z') };
const notFound = () => new DBInstanceNotFoundFault({ message: 'not found', $metadata: {} });

function givenSource() {
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'drop-production-postgres' }).resolves({ DBInstances: [SOURCE] });
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'drop-production-postgres-restored' }).rejects(notFound());
  rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [{ RestoreWindow: WINDOW }] });
  rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({});
}

const options = {
  source: 'drop-production-postgres',
  target: 'drop-production-postgres-restored',
  restoreTime: new Date('2026-02-21T11:00:00Z'),
};

describe('restoreToPointInTime', () => {
  beforeEach(() => rds.reset());

  it("restores to the given time as a new instance with the source's settings", async () => {
    givenSource();
    const result = await restoreToPointInTime(client, options, quiet);
    expect(result).toEqual({ target: 'drop-production-postgres-restored', restoreTime: '2026-02-21T11:00:00.000Z' });
    const [call] = rds.commandCalls(RestoreDBInstanceToPointInTimeCommand);
    expect(call.args[0].input).toEqual({
      SourceDBInstanceIdentifier: 'drop-production-postgres',
      TargetDBInstanceIdentifier: 'drop-production-postgres-restored',
      RestoreTime: new Date('2026-02-21T11:00:00Z'),
      DBInstanceClass: 'db.t3.medium',
      DBSubnetGroupName: 'drop-production-postgres',
      VpcSecurityGroupIds: ['sg-0db'],
      DBParameterGroupName: 'drop-production-postgres16',
      MultiAZ: true,
      PubliclyAccessible: false,
      StorageType: 'gp3',
      MaxAllocatedStorage: 500,
      AutoMinorVersionUpgrade: true,
      CopyTagsToSnapshot: true,
      EnableIAMDatabaseAuthentication: true,
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
      CACertificateIdentifier: 'rds-ca-rsa2048-g1',
      DeletionProtection: true,
      BackupRetentionPeriod: 30,
      PreferredBackupWindow: '01:00-01:30',
      ManageMasterUserPassword: true,
      MasterUserSecretKmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/db',
      Tags: [
        { Key: 'environment', Value: 'production' },
        { Key: 'restored-from', Value: 'drop-production-postgres' },
        { Key: 'restore-time', Value: '2026-02-21T11:00:00.000Z' },
      ],
    });
  });

  it('restores to the latest restorable time when asked', async () => {
    givenSource();
    await restoreToPointInTime(client, { ...options, restoreTime: undefined, latest: true }, quiet);
    const input = rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)[0].args[0].input;
    expect(input.UseLatestRestorableTime).toBe(true);
    expect(input.RestoreTime).toBeUndefined();
  });

  it('refuses a time outside the restorable window, naming the window', async () => {
    givenSource();
    await expect(restoreToPointInTime(client, { ...options, restoreTime: new Date('2025-12-01T00:00:00Z') }, quiet)).rejects.toThrow(
      'Restore time 2025-12-01T00:00:00.000Z is outside the restorable window of "drop-production-postgres": 2026-01-22T00:00:00.000Z to 2026-02-21T12:00:00.000Z',
    );
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(0);
  });

  it('refuses to overwrite an existing target', async () => {
    givenSource();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'drop-production-postgres-restored' }).resolves({ DBInstances: [{}] });
    await expect(restoreToPointInTime(client, options, quiet)).rejects.toThrow(
      'Target instance "drop-production-postgres-restored" already exists; choose another --target',
    );
  });

  it('refuses a missing source', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(notFound());
    await expect(restoreToPointInTime(client, options, quiet)).rejects.toThrow('Source instance "drop-production-postgres" not found');
  });

  it('refuses a source without automated backups', async () => {
    givenSource();
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });
    await expect(restoreToPointInTime(client, options, quiet)).rejects.toThrow('has no automated backups to restore from');
  });

  it('refuses restoring onto the source itself', async () => {
    await expect(restoreToPointInTime(client, { ...options, target: options.source }, quiet)).rejects.toThrow(RestoreError);
  });

  it('waits for the new instance and reports its endpoint', async () => {
    givenSource();
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'drop-production-postgres-restored' })
      .rejectsOnce(notFound())
      .resolves({
        DBInstances: [{ DBInstanceStatus: 'available', Endpoint: { Address: 'restored.eu-west-1.rds.amazonaws.com', Port: 5432 } }],
      });
    const lines: string[] = [];
    const result = await restoreToPointInTime(client, { ...options, wait: true }, (line) => lines.push(line));
    expect(result.endpoint).toBe('restored.eu-west-1.rds.amazonaws.com');
    expect(lines.at(-1)).toBe('Available: restored.eu-west-1.rds.amazonaws.com:5432');
  });
});

describe('the command line', () => {
  const defaults = { source: 'drop-staging-postgres', now: new Date('2026-11-28T21:45:00Z') };

  it('names the target after the source and the time of the run', () => {
    expect(parseCommandLine(['--time', '2026-11-28T10:00:00Z'], defaults)).toEqual({
      source: 'drop-staging-postgres',
      target: 'drop-staging-postgres-restored-202611282145',
      restoreTime: new Date('2026-11-28T10:00:00Z'),
      latest: false,
      wait: false,
    });
  });

  it('refuses a time that is not UTC ISO 8601', () => {
    expect(() => parseCommandLine(['--time', '2026-11-28 10:00'], defaults)).toThrow(
      '--time "2026-11-28 10:00" is not a UTC time; expected ISO 8601 such as 2026-02-21T11:00:00Z',
    );
  });

  it('refuses an unknown option', () => {
    expect(() => parseCommandLine(['--force'], defaults)).toThrow(/Unknown option '--force'/);
  });
});
