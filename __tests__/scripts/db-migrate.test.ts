import { DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../config';
import { MigrateError, migrate, parseCommandLine } from '../../scripts/db-migrate';

const ecs = mockClient(ECSClient);
const ssm = mockClient(SSMClient);
const clients = { ecs: new ECSClient({ region: 'eu-west-1' }), ssm: new SSMClient({ region: 'eu-west-1' }) };
const config = loadEnvironment('staging');
const DIGEST = `sha256:${'cd'.repeat(32)}`;
const TASK = 'arn:aws:ecs:eu-west-1:123456789012:task/drop-staging-jobs/0a1b2c3d';
const quiet = () => undefined;
// The infra project shares one module graph per worker (isolate: false): tests after this file use real clients.
afterAll(() => {
  ecs.restore();
  ssm.restore();
});
const instant = { sleep: async () => undefined, pollMs: 0 };

const PARAMETERS: Record<string, string> = {
  '/drop/staging/release/api': `3f2a9c1@${DIGEST}`,
  '/drop/staging/registry/api-repository-url': '123456789012.dkr.ecr.eu-west-1.amazonaws.com/drop-staging/api',
  '/drop/staging/data/database-address': 'drop-staging-postgres.abc.eu-west-1.rds.amazonaws.com',
  '/drop/staging/data/database-port': '5432',
  '/drop/staging/data/database-name': 'drop',
  '/drop/staging/data/database-secret-arn': 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf',
  '/drop/staging/data/migration-cluster-arn': 'arn:aws:ecs:eu-west-1:123456789012:cluster/drop-staging-jobs',
  '/drop/staging/data/migration-execution-role-arn': 'arn:aws:iam::123456789012:role/drop-staging-db-migrate-execution',
  '/drop/staging/data/migration-log-group': '/drop/staging/db-migrate',
  '/drop/staging/data/private-subnet-ids': 'subnet-a,subnet-b',
  '/drop/staging/data/compute-security-group-id': 'sg-compute',
};

function stops(container: { exitCode?: number; reason?: string }, stoppedReason?: string) {
  ecs
    .on(DescribeTasksCommand)
    .resolvesOnce({ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING' }] })
    .resolves({ tasks: [{ taskArn: TASK, lastStatus: 'STOPPED', stoppedReason, containers: [{ name: 'migrate', ...container }] }] });
}

describe('npm run db:migrate', () => {
  beforeEach(() => {
    ecs.reset();
    ssm.reset();
    ssm.on(GetParameterCommand).callsFake(({ Name }: { Name: string }) => {
      if (!(Name in PARAMETERS)) throw new ParameterNotFound({ message: 'not found', $metadata: {} });
      return { Parameter: { Name, Value: PARAMETERS[Name] } };
    });
    ecs
      .on(RegisterTaskDefinitionCommand)
      .resolves({ taskDefinition: { taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/drop-staging-db-migrate:7' } });
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }] });
  });

  it("runs the recorded api release's image as the migration job, with the master secret injected and no task role", async () => {
    // GIVEN a job that exits 0
    stops({ exitCode: 0 });
    const lines: string[] = [];
    // WHEN
    expect(await migrate(clients, config, (line) => lines.push(line), instant)).toBe(TASK);
    // THEN the task definition is the release's image, its command the job, and the secret goes by ARN
    const definition = ecs.commandCalls(RegisterTaskDefinitionCommand)[0].args[0].input;
    expect(definition).toMatchObject({
      family: 'drop-staging-db-migrate',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      executionRoleArn: PARAMETERS['/drop/staging/data/migration-execution-role-arn'],
    });
    expect(definition.taskRoleArn).toBeUndefined();
    const [container] = definition.containerDefinitions!;
    expect(container).toMatchObject({
      image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/drop-staging/api@${DIGEST}`,
      command: ['node', 'apps/api/dist/migrate.js'],
      secrets: [{ name: 'DATABASE_CREDENTIALS', valueFrom: PARAMETERS['/drop/staging/data/database-secret-arn'] }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/drop/staging/db-migrate', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'migrate' },
      },
    });
    expect(Object.fromEntries(container.environment!.map((e) => [e.name, e.value]))).toEqual({
      NODE_ENV: 'production',
      DROP_ENV: 'staging',
      DROP_TIER: 'staging',
      DATABASE_URL: 'postgres://drop-staging-postgres.abc.eu-west-1.rds.amazonaws.com:5432/drop',
      DATABASE_RUNTIME_USER: 'drop_app',
      DATABASE_RUNTIME_AUTH: 'iam',
    });
    // in the VPC, where the database admits it
    expect(ecs.commandCalls(RunTaskCommand)[0].args[0].input).toMatchObject({
      cluster: PARAMETERS['/drop/staging/data/migration-cluster-arn'],
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-compute'], assignPublicIp: 'DISABLED' },
      },
    });
    expect(lines.at(-1)).toBe('The migration job finished (exit 0): the schema is ready for api 3f2a9c1');
  });

  it('fails when the job exits non-zero, naming the exit code and where its log is', async () => {
    stops({ exitCode: 1 });
    await expect(migrate(clients, config, quiet, instant)).rejects.toThrow(
      'The migration job exited 1; do not deploy api 3f2a9c1. Its log: /drop/staging/db-migrate, stream migrate/migrate/0a1b2c3d',
    );
  });

  it('fails when the task stops without running (an image it cannot pull), with ECS’s reason', async () => {
    stops({ reason: 'CannotPullContainerError' }, 'Task failed to start');
    await expect(migrate(clients, config, quiet, instant)).rejects.toThrow(
      'The migration job stopped: Task failed to start; do not deploy api 3f2a9c1',
    );
  });

  it('refuses to run before the data stack published its values, naming the parameter', async () => {
    delete (PARAMETERS as Record<string, string | undefined>)['/drop/staging/data/migration-cluster-arn'];
    try {
      await expect(migrate(clients, config, quiet, instant)).rejects.toThrow(
        '/drop/staging/data/migration-cluster-arn is not set: deploy the stack that publishes it first (registry, then data), and record an api release',
      );
      expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0);
    } finally {
      PARAMETERS['/drop/staging/data/migration-cluster-arn'] = 'arn:aws:ecs:eu-west-1:123456789012:cluster/drop-staging-jobs';
    }
  });

  it('says why a task did not start', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'RESOURCE:ENI', detail: 'no free addresses' }] });
    await expect(migrate(clients, config, quiet, instant)).rejects.toThrow(
      'The migration job did not start: RESOURCE:ENI (no free addresses)',
    );
  });

  it('needs --env', () => {
    expect(parseCommandLine(['--env', 'staging'])).toEqual({ env: 'staging' });
    expect(() => parseCommandLine([])).toThrow(MigrateError);
    // the workflow waits less than its step's limit, so the job's own message says what happened
    expect(parseCommandLine(['--env', 'staging', '--max-wait', '840'])).toEqual({ env: 'staging', maxWaitSeconds: 840 });
    expect(() => parseCommandLine(['--env', 'staging', '--max-wait', '5'])).toThrow('--max-wait "5" is not a number from 60 to 3600');
  });
});
