/** The compute stack: the api and web services. Changes with every release. */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsSecretsmanagerSecretVersions } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-versions';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { ServiceName } from '../config';
import { APP_SECRETS, type AppSecret, putSecretCommand } from '../constructs/app-secrets';
import { type ComputeService, type ServiceSecret, createService } from '../constructs/compute';
import { Releases } from '../constructs/compute/releases';
import { EncryptionKey } from '../constructs/encryption-key';
import { type ContractKey, SECRET_ARN_KEYS, consume, consumeList, publish } from './contract';
import { DropStack, type DropStackProps } from './drop-stack';

/** Which secrets each service receives; its instance role may read these and no others. */
export const SERVICE_SECRETS: Record<ServiceName, readonly AppSecret[]> = {
  api: ['JWT_SECRET', 'BANKID_CLIENT_ID', 'BANKID_CLIENT_SECRET', 'SENTRY_DSN', 'ORIGIN_VERIFY_SECRET'],
  web: ['SENTRY_DSN', 'ORIGIN_VERIFY_SECRET'],
};

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
      Object.fromEntries(SERVICE_SECRETS[service].map((variable) => [variable, { arn: secretArns[variable], kmsKeyArn: secretsKeyArn }]));
    const releases = new Releases(this, 'releases', { naming, services: ['api', 'web'] });

    const appUrl = `https://${config.domains.public}`;
    const databaseSecretArn = read('databaseSecretArn');
    const environments: Record<ServiceName, Record<string, string>> = {
      api: {
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
        // No credentials here: they come from DATABASE_CREDENTIALS, re-read from this ARN after a rotation.
        DATABASE_URL: `postgres://${read('databaseAddress')}:${read('databasePort')}/${read('databaseName')}`,
        DATABASE_SECRET_ARN: databaseSecretArn,
      },
      web: {
        NODE_ENV: 'production',
        DROP_ENV: config.name,
        APP_VERSION: releases.tag('web'),
        PORT: String(config.compute.services.web.port),
        HOSTNAME: '0.0.0.0',
        APP_URL: appUrl,
        // The web server calls the api service directly, with X-Origin-Verify, not through the
        // edge: there every user of a web instance would count as one client of the per-IP rate
        // limits on /v1/auth/* and /v1/transactions/*. Set below, once the api service exists.
      },
    };
    const secretsOf: Record<ServiceName, Record<string, ServiceSecret>> = {
      api: { ...injected('api'), DATABASE_CREDENTIALS: { arn: databaseSecretArn, kmsKeyArn: read('databaseKeyArn') } },
      web: injected('web'),
    };
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
          egress,
          domainName: domains[name],
          alarmTopicArn,
          encryptionKey: key,
        },
        inputs,
      );
    };
    const api = build('api');
    environments.web.API_URL = api.serviceUrl;
    this.services = { api, web: build('web') };

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
