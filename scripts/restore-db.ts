/**
 * Point-in-time restore runbook: restores the environment's PostgreSQL instance to a given time
 * as a NEW instance, with the source's network, parameters, encryption and monitoring settings.
 * The source is never modified.
 *
 *   npm run restore-db -- --time 2026-02-21T11:00:00Z [--target <id>] [--wait]
 *   npm run restore-db -- --latest --wait
 *
 * DROP_ENV picks the environment (default staging): its region and source instance
 * (`drop-<env>-postgres`). AWS credentials come from the usual places.
 */
import {
  type DBInstance,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  RestoreDBInstanceToPointInTimeCommand,
  type RestoreDBInstanceToPointInTimeCommandInput,
  waitUntilDBInstanceAvailable,
} from '@aws-sdk/client-rds';
import { parseArgs } from 'node:util';
import { DEFAULT_ENVIRONMENT, loadEnvironment } from '../config';
import { Naming } from '../constructs/naming';

export interface RestoreOptions {
  readonly source: string;
  readonly target: string;
  /** Restore to this instant; omit with `latest`. */
  readonly restoreTime?: Date;
  /** Restore to the latest restorable time instead. */
  readonly latest?: boolean;
  /** Wait until the new instance is available. */
  readonly wait?: boolean;
  /** Upper bound of the wait, in seconds. @default 3600 */
  readonly maxWaitSeconds?: number;
}

export interface RestoreResult {
  readonly target: string;
  readonly restoreTime: string;
  readonly endpoint?: string;
}

export class RestoreError extends Error {}

type Log = (line: string) => void;

export async function restoreToPointInTime(client: RDSClient, options: RestoreOptions, log: Log = console.log): Promise<RestoreResult> {
  if (options.latest === (options.restoreTime !== undefined)) {
    throw new RestoreError('Give exactly one of a restore time (--time) or --latest');
  }
  if (options.source === options.target) {
    throw new RestoreError(`The target "${options.target}" must differ from the source: a restore always creates a new instance`);
  }

  const source = await describe(client, options.source);
  if (!source) throw new RestoreError(`Source instance "${options.source}" not found`);
  if (await describe(client, options.target)) {
    throw new RestoreError(`Target instance "${options.target}" already exists; choose another --target`);
  }

  const backups = await client.send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: options.source }));
  const window = backups.DBInstanceAutomatedBackups?.[0]?.RestoreWindow;
  if (!window?.EarliestTime || !window.LatestTime) {
    throw new RestoreError(`"${options.source}" has no automated backups to restore from (backup retention 0?)`);
  }
  if (options.restoreTime && (options.restoreTime < window.EarliestTime || options.restoreTime > window.LatestTime)) {
    throw new RestoreError(
      `Restore time ${options.restoreTime.toISOString()} is outside the restorable window of "${options.source}": ` +
        `${window.EarliestTime.toISOString()} to ${window.LatestTime.toISOString()}`,
    );
  }

  const input = restoreInput(source, options);
  const when = options.restoreTime?.toISOString() ?? `latest (${window.LatestTime.toISOString()})`;
  log(`Restoring ${options.source} to ${when} as ${options.target} ...`);
  await client.send(new RestoreDBInstanceToPointInTimeCommand(input));

  if (!options.wait) {
    log(`Restore started. Follow it with: aws rds wait db-instance-available --db-instance-identifier ${options.target}`);
    return { target: options.target, restoreTime: when };
  }
  log(`Waiting for ${options.target} to become available (this takes 10 to 40 minutes) ...`);
  await waitUntilDBInstanceAvailable(
    { client, maxWaitTime: options.maxWaitSeconds ?? 3600, minDelay: 15, maxDelay: 60 },
    { DBInstanceIdentifier: options.target },
  );
  const restored = await describe(client, options.target);
  const endpoint = restored?.Endpoint?.Address;
  log(`Available: ${endpoint}:${restored?.Endpoint?.Port}`);
  return { target: options.target, restoreTime: when, endpoint };
}

/** The restore request: the source's settings, so the copy is as private, encrypted and watched. */
export function restoreInput(source: DBInstance, options: RestoreOptions): RestoreDBInstanceToPointInTimeCommandInput {
  return {
    SourceDBInstanceIdentifier: options.source,
    TargetDBInstanceIdentifier: options.target,
    ...(options.latest ? { UseLatestRestorableTime: true } : { RestoreTime: options.restoreTime }),
    DBInstanceClass: source.DBInstanceClass,
    DBSubnetGroupName: source.DBSubnetGroup?.DBSubnetGroupName,
    VpcSecurityGroupIds: source.VpcSecurityGroups?.map((group) => group.VpcSecurityGroupId!),
    DBParameterGroupName: source.DBParameterGroups?.[0]?.DBParameterGroupName,
    MultiAZ: source.MultiAZ,
    PubliclyAccessible: false,
    StorageType: source.StorageType,
    MaxAllocatedStorage: source.MaxAllocatedStorage,
    AutoMinorVersionUpgrade: source.AutoMinorVersionUpgrade,
    CopyTagsToSnapshot: true,
    EnableIAMDatabaseAuthentication: source.IAMDatabaseAuthenticationEnabled,
    EnableCloudwatchLogsExports: source.EnabledCloudwatchLogsExports,
    CACertificateIdentifier: source.CACertificateIdentifier,
    DeletionProtection: source.DeletionProtection,
    BackupRetentionPeriod: source.BackupRetentionPeriod,
    PreferredBackupWindow: source.PreferredBackupWindow,
    // A restored instance gets its own RDS-managed secret, encrypted with the source's key.
    ManageMasterUserPassword: true,
    MasterUserSecretKmsKeyId: source.MasterUserSecret?.KmsKeyId,
    Tags: [
      ...(source.TagList ?? []).filter((tag) => !tag.Key?.startsWith('aws:')),
      { Key: 'restored-from', Value: options.source },
      { Key: 'restore-time', Value: options.restoreTime?.toISOString() ?? 'latest' },
    ],
  };
}

async function describe(client: RDSClient, identifier: string): Promise<DBInstance | undefined> {
  try {
    const result = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    return result.DBInstances?.[0];
  } catch (error) {
    if ((error as Error).name === 'DBInstanceNotFoundFault') return undefined;
    throw error;
  }
}

/** Parses the command line; `now` names the default target. */
export function parseCommandLine(argv: string[], defaults: { source: string; now: Date }): RestoreOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      source: { type: 'string', default: defaults.source },
      target: { type: 'string' },
      time: { type: 'string' },
      latest: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
    },
    strict: true,
  });
  let restoreTime: Date | undefined;
  if (values.time !== undefined) {
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/.test(values.time) || Number.isNaN(Date.parse(values.time))) {
      throw new RestoreError(`--time "${values.time}" is not a UTC time; expected ISO 8601 such as 2026-02-21T11:00:00Z`);
    }
    restoreTime = new Date(values.time);
  }
  const stamp = defaults.now.toISOString().slice(0, 16).replace(/[-:T]/g, '');
  return {
    source: values.source!,
    target: values.target ?? `${values.source}-restored-${stamp}`,
    restoreTime,
    latest: values.latest,
    wait: values.wait,
  };
}

async function main(): Promise<void> {
  const env = loadEnvironment(process.env.DROP_ENV || DEFAULT_ENVIRONMENT);
  const options = parseCommandLine(process.argv.slice(2), { source: new Naming(env).resource('postgres'), now: new Date() });
  await restoreToPointInTime(new RDSClient({ region: env.aws.region }), options);
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error instanceof RestoreError || error.name === 'ConfigError' ? error.message : error);
    process.exitCode = 1;
  });
}
