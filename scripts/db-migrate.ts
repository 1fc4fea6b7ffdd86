/**
 * Runs the database migration job of an environment: the recorded api release's image, command
 * `node apps/api/dist/migrate.js`, as a one-off Fargate task in the data stack's jobs cluster,
 * inside the VPC (private subnets, the compute security group the database admits). Waits for it
 * and fails unless it exited 0.
 *
 *   npm run db:migrate -- --env staging [--max-wait 840]     (seconds; default 30 minutes)
 *
 * When: after `npm run release` of the api and before `cdktf deploy compute edge`, every release
 * (the services, as the runtime role, refuse to start on a schema that is behind); and once after
 * the first `cdktf deploy data` (its first run creates the database roles). Migrations must keep
 * working with the release still running (expand, then contract): they run before it is replaced.
 *
 * The task definition is registered here, per run, from what the data stack published (execution
 * role, log group, database, master secret) and the release pointer: the image that is about to
 * be deployed, which Terraform does not know before the compute deploy. Its execution role, the
 * only identity that reads the RDS master secret, injects it as DATABASE_CREDENTIALS; the task has
 * no task role. Whoever runs this needs ecs:RegisterTaskDefinition, ecs:RunTask,
 * ecs:DescribeTasks, iam:PassRole on that execution role, and ssm:GetParameter on the contract
 * and release parameters of the environment.
 */
import { DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parseArgs } from 'node:util';
import type { EnvName } from '@drop/shared/env';
import { DATABASE_ROLES } from '@drop/shared/env';
import { ConfigError, type EnvironmentConfig, loadEnvironment } from '../config';
import { RELEASE_VALUE_PARTS } from '../constructs/compute/release-pointer';
import { Naming } from '../constructs/naming';
import { parameterKey, type ContractKey } from '../stacks/contract';
import { numberOption } from './lib/options';

export class MigrateError extends Error {}

export interface Clients {
  readonly ecs: ECSClient;
  readonly ssm: SSMClient;
}

export interface MigrateOptions {
  /** How often the task is polled. @default 6000 */
  readonly pollMs?: number;
  /** Give up waiting after this long (the task keeps running; its log says how it ended). @default 1800000 (30 minutes) */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The container's name in the task definition, and the log stream prefix. */
export const CONTAINER = 'migrate';

async function parameter(ssm: SSMClient, name: string): Promise<string> {
  try {
    const value = (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
    if (value) return value;
  } catch (error) {
    if ((error as Error).name !== 'ParameterNotFound') throw new MigrateError(`Cannot read ${name}: ${(error as Error).message}`);
  }
  throw new MigrateError(`${name} is not set: deploy the stack that publishes it first (registry, then data), and record an api release`);
}

/** Registers the task for the recorded api release and runs it; resolves with the task ARN once it exited 0. */
export async function migrate(
  clients: Clients,
  config: EnvironmentConfig,
  log: (line: string) => void = console.log,
  options: MigrateOptions = {},
): Promise<string> {
  const naming = new Naming(config);
  const read = (stack: 'registry' | 'data', key: ContractKey<'registry'> | ContractKey<'data'>) =>
    parameter(clients.ssm, naming.parameter(stack, parameterKey(key)));
  const pointer = await parameter(clients.ssm, naming.release('api'));
  const release = RELEASE_VALUE_PARTS.exec(pointer);
  if (!release) throw new MigrateError(`${naming.release('api')} holds ${JSON.stringify(pointer)}, not "<tag>@sha256:<digest>"`);
  const [, tag, digest] = release;
  const [repository, address, port, database, masterSecret, cluster, executionRole, logGroup, subnets, securityGroup] = await Promise.all([
    read('registry', 'apiRepositoryUrl'),
    read('data', 'databaseAddress'),
    read('data', 'databasePort'),
    read('data', 'databaseName'),
    read('data', 'databaseSecretArn'),
    read('data', 'migrationClusterArn'),
    read('data', 'migrationExecutionRoleArn'),
    read('data', 'migrationLogGroup'),
    read('data', 'privateSubnetIds'),
    read('data', 'computeSecurityGroupId'),
  ]);

  // What the job reads (apps/api/src/migrate.ts), named by the environment contract.
  const environment: Partial<Record<EnvName, string>> = {
    NODE_ENV: 'production',
    DROP_ENV: config.name,
    DROP_TIER: config.tier,
    DATABASE_URL: `postgres://${address}:${port}/${database}`,
    DATABASE_RUNTIME_USER: DATABASE_ROLES.runtime,
    DATABASE_RUNTIME_AUTH: 'iam',
  };
  const secrets: Partial<Record<EnvName, string>> = { DATABASE_CREDENTIALS: masterSecret };
  const family = naming.resource('db-migrate');
  const registered = await clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: executionRole,
      containerDefinitions: [
        {
          name: CONTAINER,
          image: `${repository}@${digest}`,
          essential: true,
          command: ['node', 'apps/api/dist/migrate.js'],
          environment: Object.entries(environment).map(([name, value]) => ({ name, value })),
          secrets: Object.entries(secrets).map(([name, valueFrom]) => ({ name, valueFrom })),
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': logGroup, 'awslogs-region': config.aws.region, 'awslogs-stream-prefix': CONTAINER },
          },
        },
      ],
      tags: [{ key: 'release', value: tag }],
    }),
  );
  const taskDefinition = registered.taskDefinition?.taskDefinitionArn;
  if (!taskDefinition) throw new MigrateError(`ECS registered no task definition for ${family}`);
  log(`Registered ${taskDefinition} (api ${tag}); running the migration job in ${cluster}`);

  const started = await clients.ecs.send(
    new RunTaskCommand({
      cluster,
      taskDefinition,
      launchType: 'FARGATE',
      count: 1,
      networkConfiguration: {
        awsvpcConfiguration: { subnets: subnets.split(','), securityGroups: [securityGroup], assignPublicIp: 'DISABLED' },
      },
      startedBy: 'npm run db:migrate',
    }),
  );
  const task = started.tasks?.[0]?.taskArn;
  if (!task) {
    const failure = started.failures?.map((f) => `${f.reason ?? 'unknown'}${f.detail ? ` (${f.detail})` : ''}`).join('; ');
    throw new MigrateError(`The migration job did not start: ${failure ?? 'ECS started no task'}`);
  }
  const taskId = task.split('/').pop();
  const stream = `${logGroup}, stream ${CONTAINER}/${CONTAINER}/${taskId}`;
  log(`Started ${task}; its log: ${stream}`);

  const pollMs = options.pollMs ?? 6000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const described = (await clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: [task] }))).tasks?.[0];
    if (described?.lastStatus === 'STOPPED') {
      const container = described.containers?.find((c) => c.name === CONTAINER);
      if (container?.exitCode === 0) {
        log(`The migration job finished (exit 0): the schema is ready for api ${tag}`);
        return task;
      }
      const why =
        container?.exitCode !== undefined
          ? `exited ${container.exitCode}`
          : `stopped: ${described.stoppedReason ?? container?.reason ?? 'unknown'}`;
      throw new MigrateError(
        `The migration job ${why}${container?.exitCode === 78 ? ' (bad configuration)' : ''}; do not deploy api ${tag}. Its log: ${stream}`,
      );
    }
    if (Date.now() > deadline) throw new MigrateError(`The migration job ${task} has not finished in time; look at its log: ${stream}`);
    await sleep(pollMs);
  }
}

export function parseCommandLine(argv: string[]): { env: string; maxWaitSeconds?: number } {
  const { values } = parseArgs({ args: argv, options: { env: { type: 'string' }, 'max-wait': { type: 'string' } }, strict: true });
  if (!values.env) throw new MigrateError('Missing --env. Usage: npm run db:migrate -- --env <environment> [--max-wait <seconds>]');
  const maxWait = values['max-wait'] === undefined ? undefined : numberOption('max-wait', values['max-wait'], 60, 3600, MigrateError);
  return { env: values.env, ...(maxWait === undefined ? {} : { maxWaitSeconds: maxWait }) };
}

async function main(): Promise<void> {
  const { env, maxWaitSeconds } = parseCommandLine(process.argv.slice(2));
  const config = loadEnvironment(env);
  const region = config.aws.region;
  await migrate({ ecs: new ECSClient({ region }), ssm: new SSMClient({ region }) }, config, console.log, {
    ...(maxWaitSeconds === undefined ? {} : { timeoutMs: maxWaitSeconds * 1000 }),
  });
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error instanceof MigrateError || error instanceof ConfigError ? error.message : error);
    process.exitCode = 1;
  });
}
