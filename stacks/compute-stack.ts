/** The compute stack: the api and web services. Changes with every release. */
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { Fn, TerraformOutput, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig, ServiceName } from '../config';
import { type ComputeService, type ServiceSecret, createService, engineKeyGrants } from '../constructs/compute';
import { EncryptionKey } from '../constructs/encryption-key';
import { consume, consumeList, publish } from './contract';
import { DropStack, type DropStackProps } from './drop-stack';

/** A tag (`3f2a9c1`) or a digest (`sha256:<64 hex>`). */
export const IMAGE_REFERENCE = '^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$';

/** Secret containers the platform owns; their values are set outside Terraform (see README). */
export const APP_SECRETS = {
  JWT_SECRET: 'jwt-secret',
  BANKID_CLIENT_ID: 'bankid-client-id',
  BANKID_CLIENT_SECRET: 'bankid-client-secret',
  SENTRY_DSN: 'sentry-dsn',
  ORIGIN_VERIFY_SECRET: 'origin-verify',
} as const;
type AppSecret = keyof typeof APP_SECRETS;

/** Which secrets each service receives; its instance role may read these and no others. */
export const SERVICE_SECRETS: Record<ServiceName, readonly AppSecret[]> = {
  api: ['JWT_SECRET', 'BANKID_CLIENT_ID', 'BANKID_CLIENT_SECRET', 'SENTRY_DSN', 'ORIGIN_VERIFY_SECRET'],
  web: ['SENTRY_DSN', 'ORIGIN_VERIFY_SECRET'],
};

/** Days a deleted secret can still be restored: longer where losing it hurts more. */
export function defaultRecoveryWindowDays(tier: EnvironmentConfig['tier']): number {
  return tier === 'production' ? 30 : 7;
}

export class ComputeStack extends DropStack {
  readonly services: Readonly<Record<ServiceName, ComputeService>>;

  constructor(scope: Construct, props: DropStackProps) {
    super(scope, 'compute', props);
    const { config, naming } = this;
    const read = (key: Parameters<typeof consume<'data'>>[3]) => consume(this, naming, 'data', key);

    const account = new DataAwsCallerIdentity(this, 'account');
    const grants = engineKeyGrants(config.compute.engine, naming, config.aws.region, account.accountId);
    const key = new EncryptionKey(this, 'secrets-key', {
      naming,
      account,
      ...(grants.length > 0 ? { services: grants } : {}),
      purpose: 'compute',
      description: `Encrypts the ${naming.resource()} service secrets and ${config.compute.engine === 'app-runner' ? 'App Runner data' : 'container logs'}`,
    });

    const keyArn = key.arn;
    const secrets = Object.fromEntries(
      Object.entries(APP_SECRETS).map(([variable, name]) => [
        variable,
        new SecretsmanagerSecret(this, `secret-${name}`, {
          name: naming.secret(name),
          description: `${variable} of the ${naming.resource()} services; value set outside Terraform`,
          kmsKeyId: keyArn,
          recoveryWindowInDays: defaultRecoveryWindowDays(config.tier),
        }),
      ]),
    ) as Record<AppSecret, SecretsmanagerSecret>;
    const injected = (service: ServiceName): Record<string, ServiceSecret> =>
      Object.fromEntries(SERVICE_SECRETS[service].map((variable) => [variable, { arn: secrets[variable].arn, kmsKeyArn: keyArn }]));

    const appUrl = `https://${config.domains.public}`;
    const databaseSecretArn = read('databaseSecretArn');
    const environments: Record<ServiceName, Record<string, string>> = {
      api: {
        NODE_ENV: 'production',
        PORT: String(config.compute.services.api.port),
        APP_URL: appUrl,
        BANKID_MOCK: String(config.app.bankidMock),
        BANKID_CALLBACK_URL: `${appUrl}/api/auth/bankid/callback`,
        BANKID_ISSUER: config.app.bankidIssuer,
        BANKID_ID_CLAIM: config.app.bankidIdClaim,
        DROP_ENV: config.name,
        DROP_TIER: config.tier,
        ...(config.app.seedDemo ? { SEED_DEMO: 'true' } : {}),
        // No credentials here: they come from DATABASE_CREDENTIALS, re-read from this ARN after a rotation.
        DATABASE_URL: `postgres://${read('databaseAddress')}:${read('databasePort')}/${read('databaseName')}`,
        DATABASE_SECRET_ARN: databaseSecretArn,
      },
      web: {
        NODE_ENV: 'production',
        PORT: String(config.compute.services.web.port),
        HOSTNAME: '0.0.0.0',
        APP_URL: appUrl,
        // The web server calls the API on the same host: the edge routes /v1/* to the api service.
        API_URL: appUrl,
        DROP_ENV: config.name,
      },
    };
    const secretsOf: Record<ServiceName, Record<string, ServiceSecret>> = {
      api: { ...injected('api'), DATABASE_CREDENTIALS: { arn: databaseSecretArn, kmsKeyArn: read('databaseKeyArn') } },
      web: injected('web'),
    };
    const domains: Record<ServiceName, string> = { web: config.domains.public, api: config.domains.apiOrigin };

    const egress = { subnetIds: consumeList(this, naming, 'data', 'privateSubnetIds'), securityGroupIds: [read('computeSecurityGroupId')] };
    const alarmTopicArn = read('alarmTopicArn');
    // Only engines whose load balancer lives in the VPC read this (consume reuses the one data source).
    const inputs = { publicSubnetIds: () => consumeList(this, naming, 'data', 'publicSubnetIds') };

    const build = (name: ServiceName): ComputeService => {
      const settings = config.compute.services[name];
      const image = new TerraformVariable(this, `${name}_image`, {
        type: 'string',
        nullable: false,
        description: `Image of the ${name} service to deploy: a tag of the registry's ${name} repository or a digest sha256:...`,
      });
      image.addValidation({
        condition: Fn.can(Fn.regex(IMAGE_REFERENCE, image.stringValue)),
        errorMessage: `${name}_image must be an image tag or a digest "sha256:<64 hex digits>".`,
      });
      return createService(config.compute.engine, this, name, {
        naming,
        name,
        region: config.aws.region,
        image: {
          repositoryUrl: consume(this, naming, 'registry', `${name}RepositoryUrl`),
          repositoryArn: consume(this, naming, 'registry', `${name}RepositoryArn`),
          reference: image.stringValue,
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
        encryptionKeyArn: keyArn,
      }, inputs);
    };
    this.services = { api: build('api'), web: build('web') };

    publish(this, naming, 'compute', {
      webDnsTarget: this.services.web.dnsTarget,
      apiDnsTarget: this.services.api.dnsTarget,
      webCertificateValidationRecords: this.services.web.certificateValidationRecords,
      apiCertificateValidationRecords: this.services.api.certificateValidationRecords,
      originVerifySecretArn: secrets.ORIGIN_VERIFY_SECRET.arn,
    });

    for (const name of ['api', 'web'] as const) {
      new TerraformOutput(this, `${name}-service-url`, { value: this.services[name].serviceUrl });
    }
  }
}
