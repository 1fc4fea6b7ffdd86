import { ApprunnerAutoScalingConfigurationVersion } from '@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version';
import { ApprunnerCustomDomainAssociation } from '@cdktf/provider-aws/lib/apprunner-custom-domain-association';
import { ApprunnerService } from '@cdktf/provider-aws/lib/apprunner-service';
import { ApprunnerVpcConnector } from '@cdktf/provider-aws/lib/apprunner-vpc-connector';
import { describe, expect, it } from 'vitest';
import { configErrorOf, resourcesOf, synthPlatform, type TerraformJson } from '../helpers';

const SECRET_LOOKING = /SECRET|PASSWORD|TOKEN|DSN|CREDENTIAL|PRIVATE|API_KEY/;

function policy(json: TerraformJson, roleResource: string): any {
  const attached = Object.values(resourcesOf(json, 'aws_iam_role_policy')).find((p) => p.role === `\${aws_iam_role.${roleResource}.id}`);
  const name = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(attached.policy)![1];
  return json.data!.aws_iam_policy_document[name];
}

const SPEC = {
  web: {
    port: '3000',
    min: 1,
    max: 5,
    concurrency: 50,
    path: '/api/health',
    domain: { staging: 'staging.getdrop.no', production: 'getdrop.no' },
  },
  api: {
    port: '3001',
    min: 1,
    max: 10,
    concurrency: 100,
    path: '/v1/health',
    domain: { staging: 'staging-api.getdrop.no', production: 'api.getdrop.no' },
  },
} as const;

describe.each(['staging', 'production'] as const)('the %s compute stack', (env) => {
  const synth = synthPlatform(env);
  const json = synth.json('compute');
  const parsed = synth.parsed('compute');
  const services = resourcesOf(parsed, 'aws_apprunner_service');
  const service = (name: 'api' | 'web') => Object.values(services).find((s) => s.service_name === `drop-${env}-${name}`);

  describe.each(['web', 'api'] as const)('the %s service', (name) => {
    const spec = SPEC[name];
    const s = service(name);
    const variables = s.source_configuration.image_repository.image_configuration.runtime_environment_variables;

    // What App Runner makes of its props (auto deploys off, X-Ray, replaceable scaling, creation
    // order, alarm metrics) is tested in __tests__/constructs/compute/app-runner-service.test.ts.
    it('runs on its port with 1 vCPU and 2 GB, the recorded release of its own repository by digest', () => {
      expect(json).toHaveResourceWithProperties(ApprunnerService, {
        service_name: `drop-${env}-${name}`,
        instance_configuration: expect.objectContaining({ cpu: '1024', memory: '2048' }),
      });
      expect(s.source_configuration.image_repository.image_configuration.port).toBe(spec.port);
      const pointer = `element(nonsensitive(data.aws_ssm_parameters_by_path.releases_pointers_4305C166.values), index(data.aws_ssm_parameters_by_path.releases_pointers_4305C166.names, "/drop/${env}/release/${name}"))`;
      expect(s.source_configuration.image_repository.image_identifier).toBe(
        `\${data.aws_ssm_parameter.contract-registry-${name}-repository-url.insecure_value}@\${element(split("@", ${pointer}), 1)}`,
      );
      expect(parsed.variable).toBeUndefined();
    });

    it('is health-checked over HTTP every 10 s, 5 s timeout, unhealthy after 3', () => {
      expect(s.health_check_configuration).toEqual({
        protocol: 'HTTP',
        path: spec.path,
        interval: 10,
        timeout: 5,
        healthy_threshold: 1,
        unhealthy_threshold: 3,
      });
    });

    it(`scales from ${spec.min} to ${spec.max} instances above 80 % of ${spec.concurrency} concurrent requests`, () => {
      // App Runner scales out only above max_concurrency: 40 for a target of 50, 80 for 100 (docs/requirements.md, Scaling).
      expect(json).toHaveResourceWithProperties(ApprunnerAutoScalingConfigurationVersion, {
        auto_scaling_configuration_name: `drop-${env}-${name}`,
        min_size: spec.min,
        max_size: spec.max,
        max_concurrency: (spec.concurrency * 4) / 5,
      });
    });

    it("sends all egress through a VPC connector in the data stack's subnets and security group", () => {
      expect(json).toHaveResourceWithProperties(ApprunnerVpcConnector, {
        vpc_connector_name: `drop-${env}-${name}`,
        subnets: '${split(",", data.aws_ssm_parameter.contract-data-private-subnet-ids.insecure_value)}',
        security_groups: ['${data.aws_ssm_parameter.contract-data-compute-security-group-id.insecure_value}'],
      });
    });

    it("answers on the environment's custom domain", () => {
      expect(json).toHaveResourceWithProperties(ApprunnerCustomDomainAssociation, { domain_name: spec.domain[env] });
    });

    it('keeps no secret value, and no secret-looking key, in plain environment variables', () => {
      for (const [key, value] of Object.entries<string>(variables)) {
        if (SECRET_LOOKING.test(key)) {
          expect(key).toMatch(/_ARN$/);
          expect(value).toMatch(/^\$\{data\.aws_ssm_parameter\.[^}]+\.insecure_value\}$/);
        }
      }
      expect(variables.DATABASE_URL ?? '').not.toMatch(/@|password/i);
    });

    it("has the three alarms of docs/requirements.md (Alarms), and the api its overload alarm, to the data stack's alarm topic", () => {
      const alarms = Object.values(resourcesOf(parsed, 'aws_cloudwatch_metric_alarm')).filter((a) =>
        a.alarm_name.startsWith(`drop-${env}-${name}-`),
      );
      const byName = Object.fromEntries(alarms.map((a) => [a.alarm_name.slice(`drop-${env}-${name}-`.length), a]));
      // The api's fourth: its own overload metric (503s for an exhausted pool or a statement timeout).
      expect(Object.keys(byName).sort()).toEqual(['5xx-rate', 'cpu', 'latency-p95', ...(name === 'api' ? ['overload'] : [])]);
      if (name === 'api') {
        expect(byName.overload).toMatchObject({
          namespace: 'Drop/Api',
          metric_name: 'OverloadedRequests',
          dimensions: { Environment: env },
          statistic: 'Sum',
          period: 300,
          threshold: 10,
          comparison_operator: 'GreaterThanOrEqualToThreshold',
          treat_missing_data: 'notBreaching',
        });
      }
      for (const alarm of alarms) {
        expect(alarm.alarm_actions).toEqual(['${data.aws_ssm_parameter.contract-data-alarm-topic-arn.insecure_value}']);
      }
    });
  });

  it('gives the api its required environment for this environment (docs/requirements.md, Secrets and variables)', () => {
    const vars = service('api').source_configuration.image_repository.image_configuration.runtime_environment_variables;
    const host = SPEC.web.domain[env];
    expect(vars).toEqual({
      NODE_ENV: 'production',
      DROP_ENV: env,
      APP_VERSION: expect.stringMatching(
        /^\$\{element\(split\("@", element\(nonsensitive\(data\.aws_ssm_parameters_by_path\.releases_pointers_4305C166\.values\), index\(.*"\/drop\/\w+\/release\/api"\)\)\), 0\)\}$/,
      ),
      PORT: '3001',
      APP_URL: `https://${host}`,
      BANKID_MOCK: 'false',
      BANKID_CALLBACK_URL: `https://${host}/api/auth/bankid/callback`,
      BANKID_ISSUER: env === 'staging' ? 'https://auth.current.bankid.no/auth/realms/current' : 'https://auth.bankid.no/auth/realms/prod',
      BANKID_ID_CLAIM: 'nnin_altsub',
      DROP_TIER: env,
      ...(env === 'staging' ? { SEED_DEMO: 'true' } : {}),
      DATABASE_URL:
        'postgres://${data.aws_ssm_parameter.contract-data-database-address.insecure_value}:${data.aws_ssm_parameter.contract-data-database-port.insecure_value}/${data.aws_ssm_parameter.contract-data-database-name.insecure_value}',
      DATABASE_AUTH: 'iam',
      DATABASE_USER: 'drop_app',
      DATABASE_REGION: 'eu-west-1',
    });
  });

  it("gives the web app its environment: its server calls the api service directly, past the edge's per-IP limits", () => {
    const vars = service('web').source_configuration.image_repository.image_configuration.runtime_environment_variables;
    expect(vars).toEqual({
      NODE_ENV: 'production',
      DROP_ENV: env,
      APP_VERSION: expect.stringContaining(`"/drop/${env}/release/web"`),
      PORT: '3000',
      HOSTNAME: '0.0.0.0',
      API_URL: 'https://${aws_apprunner_service.api_service_298EA376.service_url}',
    });
  });

  it('injects the secrets from Secrets Manager, never as values', () => {
    const injected = (name: 'api' | 'web') =>
      service(name).source_configuration.image_repository.image_configuration.runtime_environment_secrets;
    expect(injected('api')).toEqual({
      JWT_SECRET: '${data.aws_ssm_parameter.contract-data-jwt-secret-arn.insecure_value}',
      BANKID_CLIENT_ID: '${data.aws_ssm_parameter.contract-data-bankid-client-id-secret-arn.insecure_value}',
      BANKID_CLIENT_SECRET: '${data.aws_ssm_parameter.contract-data-bankid-client-secret-secret-arn.insecure_value}',
      SENTRY_DSN: '${data.aws_ssm_parameter.contract-data-sentry-dsn-secret-arn.insecure_value}',
      ORIGIN_VERIFY_SECRET: '${data.aws_ssm_parameter.contract-data-origin-verify-secret-arn.insecure_value}',
    });
    expect(injected('web')).toEqual({
      SENTRY_DSN: '${data.aws_ssm_parameter.contract-data-sentry-dsn-secret-arn.insecure_value}',
      ORIGIN_VERIFY_SECRET: '${data.aws_ssm_parameter.contract-data-origin-verify-secret-arn.insecure_value}',
    });
  });

  it("creates no secret: it reads the data stack's, and refuses to plan while one has no value", () => {
    expect(parsed.resource?.aws_secretsmanager_secret).toBeUndefined();
    expect(parsed.resource?.aws_secretsmanager_secret_version).toBeUndefined();
    const checks = Object.values<any>(parsed.data?.aws_secretsmanager_secret_versions ?? {});
    expect(checks.map((c) => c.secret_id).sort()).toEqual(
      ['bankid-client-id-secret', 'bankid-client-secret-secret', 'jwt-secret', 'origin-verify-secret', 'sentry-dsn-secret'].map(
        (n) => `\${data.aws_ssm_parameter.contract-data-${n}-arn.insecure_value}`,
      ),
    );
    for (const check of checks) {
      expect(check.lifecycle.postcondition).toEqual([
        {
          condition: '${anytrue([for v in self.versions : contains(v.version_stages, "AWSCURRENT")])}',
          error_message: expect.stringMatching(
            new RegExp(
              `has no value yet.*aws secretsmanager put-secret-value --region eu-west-1 --secret-id drop/${env}/[a-z-]+ --secret-string file:///dev/stdin$`,
            ),
          ),
        },
      ]);
    }
  });

  it('lets each instance role read only its own secrets, decrypting only through Secrets Manager', () => {
    const roles = resourcesOf(parsed, 'aws_iam_role');
    const roleId = (name: string) => Object.keys(roles).find((id) => roles[id].name === `drop-${env}-${name}-instance`)!;
    const api = policy(parsed, roleId('api')).statement;
    const web = policy(parsed, roleId('web')).statement;
    expect(api[0]).toEqual({
      sid: 'ReadOwnSecrets',
      effect: 'Allow',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [
        '${data.aws_ssm_parameter.contract-data-jwt-secret-arn.insecure_value}',
        '${data.aws_ssm_parameter.contract-data-bankid-client-id-secret-arn.insecure_value}',
        '${data.aws_ssm_parameter.contract-data-bankid-client-secret-secret-arn.insecure_value}',
        '${data.aws_ssm_parameter.contract-data-sentry-dsn-secret-arn.insecure_value}',
        '${data.aws_ssm_parameter.contract-data-origin-verify-secret-arn.insecure_value}',
      ],
    });
    expect(web[0].resources).toEqual([
      '${data.aws_ssm_parameter.contract-data-sentry-dsn-secret-arn.insecure_value}',
      '${data.aws_ssm_parameter.contract-data-origin-verify-secret-arn.insecure_value}',
    ]);
    expect(web[1]).toEqual({
      sid: 'DecryptOwnSecrets',
      effect: 'Allow',
      actions: ['kms:Decrypt'],
      resources: ['${data.aws_ssm_parameter.contract-data-secrets-key-arn.insecure_value}'],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.eu-west-1.amazonaws.com'] }],
    });
    expect(api[1].resources).toEqual(['${data.aws_ssm_parameter.contract-data-secrets-key-arn.insecure_value}']);
    // The api connects to the database as the runtime role, and as nothing else; the master secret is not its.
    expect(api[2]).toEqual({
      sid: 'ConnectAsRuntimeUser',
      effect: 'Allow',
      actions: ['rds-db:connect'],
      resources: [
        'arn:aws:rds-db:eu-west-1:${data.aws_caller_identity.account.account_id}:dbuser:${data.aws_ssm_parameter.contract-data-database-resource-id.insecure_value}/drop_app',
      ],
    });
    expect(api).toHaveLength(3);
    expect(web).toHaveLength(2);
    expect(JSON.stringify(parsed)).not.toContain('contract-data-database-secret-arn');
    expect([...api, ...web].flatMap((statement) => statement.resources)).not.toContain('*');
  });

  it('lets each access role pull only its own repository', () => {
    const roles = resourcesOf(parsed, 'aws_iam_role');
    for (const name of ['api', 'web']) {
      const roleId = Object.keys(roles).find((id) => roles[id].name === `drop-${env}-${name}-ecr-access`)!;
      const [login, pull] = policy(parsed, roleId).statement;
      expect(login.actions).toEqual(['ecr:GetAuthorizationToken']);
      expect(pull.resources).toEqual([`\${data.aws_ssm_parameter.contract-registry-${name}-repository-arn.insecure_value}`]);
    }
  });

  it('publishes DNS targets and certificate validation records for the edge', () => {
    const values = Object.fromEntries(Object.values(resourcesOf(parsed, 'aws_ssm_parameter')).map((p) => [p.name, p.value]));
    expect(values).toEqual({
      [`/drop/${env}/compute/web-dns-target`]: '${aws_apprunner_custom_domain_association.web_domain_F6BB1BAC.dns_target}',
      [`/drop/${env}/compute/api-dns-target`]: '${aws_apprunner_custom_domain_association.api_domain_F56B3E99.dns_target}',
      [`/drop/${env}/compute/web-certificate-validation-records`]:
        '${jsonencode(aws_apprunner_custom_domain_association.web_domain_F6BB1BAC.certificate_validation_records)}',
      [`/drop/${env}/compute/api-certificate-validation-records`]:
        '${jsonencode(aws_apprunner_custom_domain_association.api_domain_F56B3E99.certificate_validation_records)}',
    });
  });
});

describe('compute configuration App Runner cannot run', () => {
  it('refuses a region without App Runner, naming the regions and the other engine', () => {
    const message = configErrorOf('production', { aws: { region: 'eu-north-1' } });
    expect(message).toContain(
      'aws.region: AWS App Runner is not offered in eu-north-1; it runs in us-east-1, us-east-2, us-west-2, ap-south-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, eu-central-1, eu-west-1, eu-west-2, eu-west-3. Choose one of those regions, or set compute.engine to "ecs-express" (ECS Express Mode), App Runner\'s successor. (found: "eu-north-1")',
    );
  });

  it('refuses concurrency above 200', () => {
    const message = configErrorOf('staging', { compute: { services: { api: { concurrency: 250 } } } });
    expect(message).toContain("compute.services.api.concurrency: is above App Runner's maximum; expected 1 to 200 (found: 250)");
  });

  it('refuses a CPU and memory pair App Runner does not offer', () => {
    const message = configErrorOf('staging', { compute: { services: { web: { cpu: 1, memoryGb: 8 } } } });
    expect(message).toContain('compute.services.web.memoryGb: cannot go with 1 vCPU on App Runner; expected 2, 3, 4 GB (found: 8)');
  });

  it('refuses a CPU size App Runner does not offer', () => {
    const message = configErrorOf('staging', { compute: { services: { web: { cpu: 3 } } } });
    expect(message).toContain('compute.services.web.cpu: is not an App Runner size; expected vCPU 0.25, 0.5, 1, 2, 4 (found: 3)');
  });

  it('refuses mocked BankID in production', () => {
    expect(configErrorOf('production', { app: { bankidMock: true } })).toContain(
      'app.bankidMock: must be false when tier is "production" (found: true)',
    );
  });

  it('refuses a BankID test issuer in production', () => {
    expect(configErrorOf('production', { app: { bankidIssuer: 'https://auth.current.bankid.no/auth/realms/current' } })).toContain(
      'app.bankidIssuer: is a BankID test environment; expected the production issuer (https://auth.bankid.no/auth/realms/prod) when tier is "production" (found: "https://auth.current.bankid.no/auth/realms/current")',
    );
  });

  it('refuses a BankID issuer that is not an https URL, and a malformed ID claim', () => {
    const message = configErrorOf('staging', {
      app: { bankidIssuer: 'http://auth.current.bankid.no/auth/realms/current', bankidIdClaim: 'nnin altsub' },
    });
    expect(message).toContain(
      'app.bankidIssuer: expected the https URL of the BankID OpenID Connect issuer, e.g. "https://auth.current.bankid.no/auth/realms/current" (found: "http://auth.current.bankid.no/auth/realms/current")',
    );
    expect(message).toContain('app.bankidIdClaim: expected an ID token claim name such as "nnin_altsub" (found: "nnin altsub")');
  });

  it('refuses demo data in production', () => {
    expect(configErrorOf('production', { app: { seedDemo: true } })).toContain(
      'app.seedDemo: must be false when tier is "production" (found: true)',
    );
    expect(configErrorOf('production', { app: { serviceMode: 'mock' } })).toContain(
      'app.serviceMode: must be "live" when tier is "production" (found: "mock")',
    );
  });
});
