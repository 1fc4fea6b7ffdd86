/** The compute stack: the api and web services. Changes with every release. */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsSecretsmanagerSecretVersions } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-versions';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { type ComputeEnvironment, DATABASE_ROLES, type SecretVariable } from '@drop/shared/env';
import { OVERLOAD_METRIC } from '@drop/shared/metrics';
import type { ServiceName } from '../config';
import { APP_SECRETS, type AppSecret, putSecretCommand } from '../constructs/app-secrets';
import { type ComputeService, type ServiceSecret, createService } from '../constructs/compute';
import { Releases } from '../constructs/compute/releases';
import { EncryptionKey } from '../constructs/encryption-key';
import { type ContractKey, SECRET_ARN_KEYS, consume, consumeList, publish } from './contract';
import { DropStack, type DropStackProps } from './drop-stack';

/**
 * Which secrets each service receives; its instance role may read these and no others. Typed by
 * the environment contract (`@drop/shared/env`): a secret the service does not read fails the
 * type check, and a test checks that it gets every one it reads.
 */
export const SERVICE_SECRETS: { readonly [S in ServiceName]: readonly (AppSecret & SecretVariable<S>)[] } = {
  api: ['JWT_SECRET', 'BANKID_CLIENT_ID', 'BANKID_CLIENT_SECRET', 'SENTRY_DSN', 'ORIGIN_VERIFY_SECRET'],
  web: ['SENTRY_DSN', 'ORIGIN_VERIFY_SECRET'],
};

/** The api's overload metric (a 503 for pool exhaustion or a statement timeout) alarms at this many in 5 minutes. */
export const OVERLOAD_ALARM_THRESHOLD = 10;

export class ComputeStack extends DropStack {
  readonly services: Readonly<Record<ServiceName, ComputeService>>;

  constructor(scope: Construct, props: DropStackProps) {
    super(scope, 'compute', props);
    const { config, naming } = this;
    const read = (key: ContractKey<'data'>) => consume(this, naming, 'data', key);

    const account = new DataAwsCallerIdentity(this, 'account');
    // The engine grants what it needs of the key itself (ECS Express: CloudWatch Logs).
    const key = new EncryptionKey(this, 'compute-key', {
      naming,
      account,
      region: config.aws.region,
      purpose: 'compute',
      description: `Encrypts the ${naming.resource()} ${config.compute.engine === 'app-runner' ? 'App Runner service data' : 'container logs'}`,
    });

    // The secrets live in the data stack, with values before any service exists. A secret the
    // operator fills (BankID, Sentry) that is still empty stops the plan here, with the command
    // that fills it, instead of a service stuck in CREATE_FAILED.
    const secretsKeyArn = read('secretsKeyArn');
    const secretArns = Object.fromEntries(
      (Object.keys(APP_SECRETS) as AppSecret[]).map((variable) => [variable, read(SECRET_ARN_KEYS[variable])]),
    ) as Record<AppSecret, string>;
    for (const variable of Object.keys(APP_SECRETS) as AppSecret[]) {
      const versions = new DataAwsSecretsmanagerSecretVersions(this, `secret-${APP_SECRETS[variable].name}-versions`, {
        secretId: secretArns[variable],
      });
      versions.addOverride('lifecycle.postcondition', [
        {
          condition: '${anytrue([for v in self.versions : contains(v.version_stages, "AWSCURRENT")])}',
          error_message:
            `The secret ${variable} (${naming.secret(APP_SECRETS[variable].name)}) has no value yet, and a service that reads it cannot start. ` +
            `Set it first: ${putSecretCommand(naming.secret(APP_SECRETS[variable].name), config.aws.region)}`,
        },
      ]);
    }
    const injected = (service: ServiceName): Record<string, ServiceSecret> =>
      Object.fromEntries(
        SERVICE_SECRETS[service].map((variable: AppSecret) => [variable, { arn: secretArns[variable], kmsKeyArn: secretsKeyArn }]),
      );
    const releases = new Releases(this, 'releases', { naming, services: ['api', 'web'] });

    const appUrl = `https://${config.domains.public}`;
    // The api connects as the runtime role with RDS IAM authentication: no password exists, and
    // its role may connect as that one database user. The master secret stays with the migration job.
    const databaseUserArn = `arn:aws:rds-db:${config.aws.region}:${account.accountId}:dbuser:${read('databaseResourceId')}/${DATABASE_ROLES.runtime}`;
    const api: ComputeEnvironment<'api'> = {
      NODE_ENV: 'production',
      DROP_ENV: config.name,
      APP_VERSION: releases.tag('api'),
      PORT: String(config.compute.services.api.port),
      APP_URL: appUrl,
      BANKID_MOCK: String(config.app.bankidMock),
      BANKID_CALLBACK_URL: `${appUrl}/api/auth/bankid/callback`,
      BANKID_ISSUER: config.app.bankidIssuer,
      BANKID_ID_CLAIM: config.app.bankidIdClaim,
      DROP_TIER: config.tier,
      ...(config.app.seedDemo ? { SEED_DEMO: 'true' } : {}),
      // No credentials: an IAM token per connection, signed with the instance's role.
      DATABASE_URL: `postgres://${read('databaseAddress')}:${read('databasePort')}/${read('databaseName')}`,
      DATABASE_AUTH: 'iam',
      DATABASE_USER: DATABASE_ROLES.runtime,
      DATABASE_REGION: config.aws.region,
    };
    const web: Omit<ComputeEnvironment<'web'>, 'API_URL'> = {
      NODE_ENV: 'production',
      DROP_ENV: config.name,
      APP_VERSION: releases.tag('web'),
      PORT: String(config.compute.services.web.port),
      HOSTNAME: '0.0.0.0',
      // The web server calls the api service directly, with X-Origin-Verify, not through the
      // edge: there every user of a web instance would count as one client of the per-IP rate
      // limits on /v1/auth/* and /v1/transactions/*. Set below, once the api service exists.
    };
    const environments: Record<ServiceName, Record<string, string>> = { api: { ...api }, web: { ...web } };
    const secretsOf: Record<ServiceName, Record<string, ServiceSecret>> = { api: injected('api'), web: injected('web') };
    const domains: Record<ServiceName, string> = { web: config.domains.public, api: config.domains.apiOrigin };

    const egress = { subnetIds: consumeList(this, naming, 'data', 'privateSubnetIds'), securityGroupIds: [read('computeSecurityGroupId')] };
    const alarmTopicArn = read('alarmTopicArn');
    // Only engines with their own load balancer in the VPC read this (consume reuses the one data source).
    const inputs = { publicSubnetIds: () => consumeList(this, naming, 'data', 'publicSubnetIds') };

    const build = (name: ServiceName): ComputeService => {
      const settings = config.compute.services[name];
      return createService(
        config.compute.engine,
        this,
        name,
        {
          naming,
          name,
          region: config.aws.region,
          image: {
            repositoryUrl: consume(this, naming, 'registry', `${name}RepositoryUrl`),
            repositoryArn: consume(this, naming, 'registry', `${name}RepositoryArn`),
            reference: releases.digest(name),
          },
          port: settings.port,
          cpu: settings.cpu,
          memoryGb: settings.memoryGb,
          scaling: { minInstances: settings.minInstances, maxInstances: settings.maxInstances, concurrency: settings.concurrency },
          healthCheck: settings.healthCheck,
          environment: environments[name],
          secrets: secretsOf[name],
          databaseUserArn: name === 'api' ? databaseUserArn : undefined,
          egress,
          domainName: domains[name],
          alarmTopicArn,
          encryptionKey: key,
        },
        inputs,
      );
    };
    const apiService = build('api');
    environments.web.API_URL = apiService.serviceUrl;
    this.services = { api: apiService, web: build('web') };

    // The api answers 503 to requests it cannot serve in time (its pool exhausted, a statement
    // cancelled at the timeout) and counts them in an embedded-metric-format log line, which
    // CloudWatch turns into this metric; its health check stays 200 meanwhile.
    new CloudwatchMetricAlarm(this, 'api-overload-alarm', {
      alarmName: naming.resource('api', 'overload'),
      alarmDescription: `The api answered 503 (database pool exhausted or statement timeout) to ${OVERLOAD_ALARM_THRESHOLD} or more requests in 5 minutes: add capacity or look for slow queries`,
      namespace: OVERLOAD_METRIC.namespace,
      metricName: OVERLOAD_METRIC.name,
      dimensions: { [OVERLOAD_METRIC.dimension]: config.name },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: OVERLOAD_ALARM_THRESHOLD,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [alarmTopicArn],
      okActions: [alarmTopicArn],
    });

    publish(this, naming, 'compute', {
      webDnsTarget: this.services.web.dnsTarget,
      apiDnsTarget: this.services.api.dnsTarget,
      webCertificateValidationRecords: this.services.web.certificateValidationRecords,
      apiCertificateValidationRecords: this.services.api.certificateValidationRecords,
    });

    for (const name of ['api', 'web'] as const) {
      new TerraformOutput(this, `${name}-service-url`, { value: this.services[name].serviceUrl });
    }
  }
}
