/**
 * What both compute engines must do the same way, as one table run against each engine, then how
 * the stacks wire ECS Express. Each engine's own resources (its scaling, roles, ingress, alarms)
 * are tested on their own in __tests__/constructs/compute/; App Runner's wiring in compute.test.ts.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { type EnvironmentConfig, loadControl, loadEnvironment, loadZone } from '../../config';
import { ECS_EXPRESS_AWS_PROVIDER_VERSION, SCALING_VARIABLE } from '../../constructs/compute/ecs-express-service';
import { STACK_IDS } from '../../constructs/naming';
import {
  configErrorOf,
  environment,
  resourcesOf,
  synthControl,
  synthManifest,
  synthPlatform,
  warningsOf,
  type TerraformJson,
} from '../helpers';

type Engine = EnvironmentConfig['compute']['engine'];
type Name = 'api' | 'web';

/** An engine's service, seen through the properties the shared interface promises. */
interface ServiceView {
  readonly serviceName: string;
  readonly image: string;
  readonly port: number;
  readonly cpuUnits: string;
  readonly memoryMb: string;
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly healthPath: string;
  readonly environment: Record<string, string>;
  readonly secrets: Record<string, string>;
  readonly subnets: unknown;
  readonly securityGroups: unknown;
  /** Terraform names of the roles whose policies let the running service read its secrets. */
  readonly secretReaders: string[];
}

function roleNamed(json: TerraformJson, name: string): string {
  const roles = resourcesOf(json, 'aws_iam_role');
  const id = Object.keys(roles).find((key) => roles[key].name === name);
  if (!id) throw new Error(`no role ${name}`);
  return id;
}

const VIEWS: Record<Engine, (json: TerraformJson, env: string, name: Name) => ServiceView> = {
  'app-runner': (json, env, name) => {
    const s = Object.values(resourcesOf(json, 'aws_apprunner_service')).find((x) => x.service_name === `drop-${env}-${name}`);
    const scaling = Object.values(resourcesOf(json, 'aws_apprunner_auto_scaling_configuration_version')).find(
      (x) => x.auto_scaling_configuration_name === `drop-${env}-${name}`,
    );
    const connector = Object.values(resourcesOf(json, 'aws_apprunner_vpc_connector')).find(
      (x) => x.vpc_connector_name === `drop-${env}-${name}`,
    );
    const image = s.source_configuration.image_repository;
    return {
      serviceName: s.service_name,
      image: image.image_identifier,
      port: Number(image.image_configuration.port),
      cpuUnits: s.instance_configuration.cpu,
      memoryMb: s.instance_configuration.memory,
      minInstances: scaling.min_size,
      maxInstances: scaling.max_size,
      healthPath: s.health_check_configuration.path,
      environment: image.image_configuration.runtime_environment_variables,
      secrets: image.image_configuration.runtime_environment_secrets,
      subnets: connector.subnets,
      securityGroups: connector.security_groups,
      secretReaders: [roleNamed(json, `drop-${env}-${name}-instance`)],
    };
  },
  'ecs-express': (json, env, name) => {
    const s = Object.values(resourcesOf(json, 'aws_ecs_express_gateway_service')).find((x) => x.service_name === `drop-${env}-${name}`);
    const [container] = s.primary_container;
    const [scaling] = s.scaling_target;
    return {
      serviceName: s.service_name,
      image: container.image,
      port: container.container_port,
      cpuUnits: s.cpu,
      memoryMb: s.memory,
      minInstances: scaling.min_task_count,
      maxInstances: scaling.max_task_count,
      healthPath: s.health_check_path,
      // The scaling target rides in the environment only on this engine (tested below).
      environment: Object.fromEntries(
        container.environment
          .filter((e: { name: string }) => e.name !== SCALING_VARIABLE)
          .map((e: { name: string; value: string }) => [e.name, e.value]),
      ),
      secrets: Object.fromEntries(container.secret.map((e: { name: string; value_from: string }) => [e.name, e.value_from])),
      subnets: s.network_configuration[0].subnets,
      securityGroups: s.network_configuration[0].security_groups,
      secretReaders: [roleNamed(json, `drop-${env}-${name}-execution`), roleNamed(json, `drop-${env}-${name}-task`)],
    };
  },
};

/**
 * Where each engine's traffic leaves from: App Runner's VPC connector and Express's tasks both sit in
 * the private subnets, whose default route is the data stack's NAT (ECR, Secrets Manager, Logs,
 * BankID, Sentry).
 */
const SUBNETS: Record<Engine, string> = {
  'app-runner': '${split(",", data.aws_ssm_parameter.contract-data-private-subnet-ids.insecure_value)}',
  'ecs-express': '${split(",", data.aws_ssm_parameter.contract-data-private-subnet-ids.insecure_value)}',
};

/** An alarm's threshold in the units of docs/requirements.md (Alarms): App Runner's RequestLatency is in ms, the load balancer's TargetResponseTime in s. */
const LATENCY_MS: Record<Engine, (threshold: number) => number> = {
  'app-runner': (threshold) => threshold,
  'ecs-express': (threshold) => threshold * 1000,
};

const SPEC = {
  web: { port: 3000, min: 1, max: 5, path: '/api/health' },
  api: { port: 3001, min: 1, max: 10, path: '/v1/health' },
} as const;

const SECRET = (name: string) =>
  `\${data.aws_ssm_parameter.contract-data-${name === 'jwt-secret' ? name : `${name}-secret`}-arn.insecure_value}`;
const EXPECTED_SECRETS: Record<Name, Record<string, string>> = {
  api: {
    JWT_SECRET: SECRET('jwt-secret'),
    BANKID_CLIENT_ID: SECRET('bankid-client-id'),
    BANKID_CLIENT_SECRET: SECRET('bankid-client-secret'),
    SENTRY_DSN: SECRET('sentry-dsn'),
    ORIGIN_VERIFY_SECRET: SECRET('origin-verify'),
  },
  web: { SENTRY_DSN: SECRET('sentry-dsn'), ORIGIN_VERIFY_SECRET: SECRET('origin-verify') },
};

/** Staging as shipped (App Runner) and staging switched to ECS Express: the same environment on each engine. */
function stagingOn(engine: Engine): EnvironmentConfig {
  return environment('staging', { compute: { engine } });
}

describe.each(['app-runner', 'ecs-express'] as const)('a staging service on %s', (engine) => {
  const parsed = synthPlatform(stagingOn(engine)).parsed('compute');

  describe.each(['web', 'api'] as const)('the %s service', (name) => {
    const spec = SPEC[name];
    const view = VIEWS[engine](parsed, 'staging', name);

    it('is named drop-<env>-<service>', () => {
      expect(view.serviceName).toBe(`drop-staging-${name}`);
    });

    it('runs the recorded release of its own repository, pinned by digest', () => {
      const url = `\${data.aws_ssm_parameter.contract-registry-${name}-repository-url.insecure_value}`;
      const pointer = `element(nonsensitive(data.aws_ssm_parameters_by_path.releases_pointers_4305C166.values), index(data.aws_ssm_parameters_by_path.releases_pointers_4305C166.names, "/drop/staging/release/${name}"))`;
      expect(view.image).toBe(`${url}@\${element(split("@", ${pointer}), 1)}`);
    });

    it(`listens on ${spec.port} with 1 vCPU and 2 GB`, () => {
      expect(view).toMatchObject({ port: spec.port, cpuUnits: '1024', memoryMb: '2048' });
    });

    it(`scales between ${spec.min} and ${spec.max} instances`, () => {
      expect(view).toMatchObject({ minInstances: spec.min, maxInstances: spec.max });
    });

    it(`is health-checked on ${spec.path}`, () => {
      expect(view.healthPath).toBe(spec.path);
    });

    it('gets its secrets from Secrets Manager by ARN, never as values', () => {
      expect(view.secrets).toEqual(EXPECTED_SECRETS[name]);
    });

    it("joins the data stack's compute security group, in the subnets its engine needs", () => {
      expect(view.securityGroups).toEqual(['${data.aws_ssm_parameter.contract-data-compute-security-group-id.insecure_value}']);
      expect(view.subnets).toBe(SUBNETS[engine]);
    });

    it('lets its roles read exactly its own secrets, decrypting only through Secrets Manager', () => {
      for (const role of view.secretReaders) {
        const attached = Object.values(resourcesOf(parsed, 'aws_iam_role_policy')).find((p) => p.role === `\${aws_iam_role.${role}.id}`);
        const document = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(attached.policy)![1];
        const statements = parsed.data!.aws_iam_policy_document[document].statement;
        const read = statements.find((s: { sid?: string }) => s.sid === 'ReadOwnSecrets');
        const decrypt = statements.find((s: { sid?: string }) => s.sid === 'DecryptOwnSecrets');
        expect(read.resources).toEqual([...new Set(Object.values(EXPECTED_SECRETS[name]))]);
        expect(decrypt.condition).toEqual([
          { test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.eu-west-1.amazonaws.com'] },
        ]);
        expect(
          statements.filter((s: { sid?: string }) => s.sid !== 'EcrLogin').flatMap((s: { resources: string[] }) => s.resources),
        ).not.toContain('*');
      }
    });

    it(
      name === 'api'
        ? 'lets its running instances connect to the database as the runtime role, and nothing else'
        : 'gives it no database access',
      () => {
        const documentOf = (role: string) => {
          const attached = Object.values(resourcesOf(parsed, 'aws_iam_role_policy')).filter(
            (p) => p.role === `\${aws_iam_role.${role}.id}`,
          );
          return attached.flatMap(
            (p) => parsed.data!.aws_iam_policy_document[/data\.aws_iam_policy_document\.([^.]+)\.json/.exec(p.policy)![1]].statement,
          );
        };
        // The running instance's role (App Runner's instance role, the ECS task role) is the last secret reader.
        const [runtimeRole, ...others] = [...view.secretReaders].reverse();
        const connects = documentOf(runtimeRole).filter((s: { actions: string[] }) => s.actions.some((a) => a.startsWith('rds-db:')));
        expect(connects).toEqual(
          name === 'api'
            ? [
                {
                  sid: 'ConnectAsRuntimeUser',
                  effect: 'Allow',
                  actions: ['rds-db:connect'],
                  resources: [
                    'arn:aws:rds-db:eu-west-1:${data.aws_caller_identity.account.account_id}:dbuser:${data.aws_ssm_parameter.contract-data-database-resource-id.insecure_value}/drop_app',
                  ],
                },
              ]
            : [],
        );
        for (const role of others) expect(JSON.stringify(documentOf(role))).not.toContain('rds-db');
      },
    );

    const alarm = (suffix: string) =>
      Object.values(resourcesOf(parsed, 'aws_cloudwatch_metric_alarm')).find((a) => a.alarm_name === `drop-staging-${name}-${suffix}`);
    const topic = ['${data.aws_ssm_parameter.contract-data-alarm-topic-arn.insecure_value}'];

    it('alarms on p95 latency above 500 ms for 3 minutes to the alarm topic', () => {
      const latency = alarm('latency-p95');
      expect(LATENCY_MS[engine](latency.threshold)).toBe(500);
      expect(latency).toMatchObject({
        evaluation_periods: 3,
        comparison_operator: 'GreaterThanThreshold',
        alarm_actions: topic,
        ok_actions: topic,
      });
      const periods = latency.metric_query
        ? latency.metric_query.filter((q: any) => q.metric).map((q: any) => q.metric.period)
        : [latency.period];
      expect(new Set(periods)).toEqual(new Set([60]));
      expect(JSON.stringify(latency)).toContain('p95');
    });

    it('alarms on 5xx above 5 % of requests for 2 minutes to the alarm topic', () => {
      const rate = alarm('5xx-rate');
      expect(rate).toMatchObject({
        threshold: 5,
        evaluation_periods: 2,
        comparison_operator: 'GreaterThanThreshold',
        alarm_actions: topic,
        ok_actions: topic,
      });
      const expression = rate.metric_query.find((q: any) => q.return_data).expression;
      expect(expression).toMatch(/100 \* .*errors.*\/.*requests/);
      expect(rate.metric_query.filter((q: any) => q.metric).every((q: any) => q.metric.period === 60 && q.metric.stat === 'Sum')).toBe(
        true,
      );
    });

    it('alarms on CPU above 80 % for 3 minutes to the alarm topic', () => {
      const alarm = Object.values(resourcesOf(parsed, 'aws_cloudwatch_metric_alarm')).find(
        (a) => a.alarm_name === `drop-staging-${name}-cpu`,
      );
      expect(alarm).toMatchObject({
        metric_name: 'CPUUtilization',
        statistic: 'Average',
        threshold: 80,
        period: 60,
        evaluation_periods: 3,
        comparison_operator: 'GreaterThanThreshold',
        alarm_actions: ['${data.aws_ssm_parameter.contract-data-alarm-topic-arn.insecure_value}'],
      });
    });
  });

  it('gives the api its required plain environment (docs/requirements.md, Secrets and variables)', () => {
    expect(VIEWS[engine](parsed, 'staging', 'api').environment).toEqual({
      NODE_ENV: 'production',
      DROP_ENV: 'staging',
      APP_VERSION: expect.stringContaining('"/drop/staging/release/api"'),
      PORT: '3001',
      APP_URL: 'https://staging.getdrop.no',
      BANKID_MOCK: 'false',
      BANKID_CALLBACK_URL: 'https://staging.getdrop.no/api/auth/bankid/callback',
      BANKID_ISSUER: 'https://auth.current.bankid.no/auth/realms/current',
      BANKID_ID_CLAIM: 'nnin_altsub',
      DROP_TIER: 'staging',
      SEED_DEMO: 'true',
      DATABASE_URL:
        'postgres://${data.aws_ssm_parameter.contract-data-database-address.insecure_value}:${data.aws_ssm_parameter.contract-data-database-port.insecure_value}/${data.aws_ssm_parameter.contract-data-database-name.insecure_value}',
      DATABASE_AUTH: 'iam',
      DATABASE_USER: 'drop_app',
      DATABASE_REGION: 'eu-west-1',
    });
  });

  it("lets the release role read this engine's services and nothing of the other engine", () => {
    // GIVEN the bootstrap stack of this staging alone
    const control = synthControl(loadControl(), [stagingOn(engine)]).parsed;
    const document = Object.values<any>(control.data!.aws_iam_policy_document).find((d) =>
      d.statement.some((st: { sid?: string }) => st.sid === 'ReleasePointers'),
    );
    // The migration job runs on ECS in both engines (scripts/db-migrate.ts), scoped to its own
    // task family and the jobs cluster; what the engine's services need is the rest.
    const migration = [
      'ReadContract',
      'RegisterMigrationJob',
      'TagMigrationJob',
      'RunMigrationJob',
      'WatchMigrationJob',
      'PassMigrationRole',
    ];
    const statements = document.statement.filter((st: { sid?: string }) => !migration.includes(st.sid ?? ''));
    const jobs = document.statement.filter((st: { sid?: string }) => migration.includes(st.sid ?? ''));
    expect(jobs).toHaveLength(migration.length);
    for (const st of jobs.filter((j: { sid: string }) => j.sid !== 'RegisterMigrationJob')) {
      expect(st.resources.every((r: string) => /db-migrate|jobs|parameter\/drop\/staging\//.test(r))).toBe(true);
    }
    const actions: string[] = statements.flatMap((st: { actions: string[] }) => st.actions);
    const own = engine === 'app-runner' ? /^apprunner:/ : /^(ecs|elasticloadbalancing|acm):/;
    const other = engine === 'app-runner' ? /^(ecs|elasticloadbalancing|acm):/ : /^apprunner:/;
    expect(actions.some((a) => own.test(a))).toBe(true);
    expect(actions.filter((a) => other.test(a))).toEqual([]);
    // Only what has no resource-level permission is granted on '*', and no load balancer is changed.
    const starred = statements
      .filter((st: { resources: string[] }) => st.resources.includes('*'))
      .flatMap((st: { actions: string[] }) => st.actions)
      .sort();
    expect(starred).toEqual(
      engine === 'app-runner'
        ? ['apprunner:ListServices']
        : ['acm:ListCertificates', 'elasticloadbalancing:DescribeListenerCertificates', 'elasticloadbalancing:DescribeRules'],
    );
    expect(actions.filter((a) => a.startsWith('elasticloadbalancing:') && !a.includes(':Describe'))).toEqual([]);
  });

  it('publishes the same contract keys for the edge', () => {
    const names = Object.values(resourcesOf(parsed, 'aws_ssm_parameter'))
      .map((p) => p.name)
      .sort();
    expect(names).toEqual(
      ['api-certificate-validation-records', 'api-dns-target', 'web-certificate-validation-records', 'web-dns-target'].map(
        (key) => `/drop/staging/compute/${key}`,
      ),
    );
  });
});

describe('switching engine', () => {
  const appRunner = synthPlatform(stagingOn('app-runner'));
  const ecsExpress = synthPlatform(stagingOn('ecs-express'));

  it('changes nothing in the data stack', () => {
    expect(ecsExpress.json('data')).toBe(appRunner.json('data'));
  });

  it("changes in the edge stack only the custom domains' certificates and listener wiring, and the names the health checks reach", () => {
    const types = (json: TerraformJson) => Object.keys(json.resource ?? {}).sort();
    expect(types(ecsExpress.parsed('edge'))).toEqual(
      [
        ...types(appRunner.parsed('edge')),
        'aws_acm_certificate',
        'aws_acm_certificate_validation',
        'aws_lb_listener_certificate',
        'aws_lb_listener_rule',
      ].sort(),
    );
    // The zone's rules and the Worker are the same on either engine.
    for (const type of ['cloudflare_ruleset', 'cloudflare_workers_script', 'cloudflare_workers_route']) {
      expect(resourcesOf(ecsExpress.parsed('edge'), type)).toEqual(resourcesOf(appRunner.parsed('edge'), type));
    }
  });

  it('leaves the registry stack as it is: the engine shows only in the release role of the bootstrap stack', () => {
    expect(ecsExpress.json('registry')).toBe(appRunner.json('registry'));
  });

  it('changes only the values of the compute contract, not its parameters', () => {
    const params = (json: TerraformJson) => Object.keys(resourcesOf(json, 'aws_ssm_parameter')).sort();
    expect(params(ecsExpress.parsed('compute'))).toEqual(params(appRunner.parsed('compute')));
  });
});

describe('the ecs-express engine', () => {
  const synth = synthPlatform('production-stockholm');
  const parsed = synth.parsed('compute');

  it('synthesizes all four stacks of production-stockholm in eu-north-1', () => {
    const config = loadEnvironment('production-stockholm');
    expect(Object.keys(synthManifest(config, loadZone(config)).stacks).sort()).toEqual([...STACK_IDS].sort());
    for (const stack of STACK_IDS) expect(synth.json(stack)).toHaveProviderWithProperties(AwsProvider, { region: 'eu-north-1' });
  });

  it("lets the execution role pull the image from the registry stack's repository of its service", () => {
    const role = roleNamed(parsed, 'drop-production-stockholm-api-execution');
    const attached = Object.values(resourcesOf(parsed, 'aws_iam_role_policy')).find((p) => p.role === `\${aws_iam_role.${role}.id}`);
    const statements =
      parsed.data!.aws_iam_policy_document[/data\.aws_iam_policy_document\.([^.]+)\.json/.exec(attached.policy)![1]].statement;
    const pull = statements.find((s: { sid: string }) => s.sid === 'PullOwnImage');
    expect(pull.resources).toEqual(['${data.aws_ssm_parameter.contract-registry-api-repository-arn.insecure_value}']);
  });

  it("encrypts each service's container logs with the compute stack's key", () => {
    const groups = Object.values(resourcesOf(parsed, 'aws_cloudwatch_log_group'));
    expect(groups.map((g) => [g.name, g.kms_key_id])).toEqual([
      ['/drop/production-stockholm/api', '${aws_kms_key.compute-key_EEB4B4A0.arn}'],
      ['/drop/production-stockholm/web', '${aws_kms_key.compute-key_EEB4B4A0.arn}'],
    ]);
  });

  it("sends the edge to the internet-facing Network Load Balancer, in the data stack's public subnets", () => {
    const values = Object.fromEntries(
      Object.values(resourcesOf(parsed, 'aws_ssm_parameter')).map((p) => [p.name.split('/').pop(), p.value]),
    );
    const balancers = resourcesOf(parsed, 'aws_lb');
    const apiLb = Object.keys(balancers).find((id) => balancers[id].name === 'drop-production-stockholm-api')!;
    expect(values['api-dns-target']).toBe(`\${aws_lb.${apiLb}.dns_name}`);
    expect(balancers[apiLb]).toMatchObject({
      load_balancer_type: 'network',
      subnets: '${split(",", data.aws_ssm_parameter.contract-data-public-subnet-ids.insecure_value)}',
    });
  });

  it("leaves the custom domain's certificate to the edge stack, and forgets the one it used to create without deleting it", () => {
    expect(resourcesOf(parsed, 'aws_acm_certificate')).toEqual({});
    const values = Object.fromEntries(
      Object.values(resourcesOf(parsed, 'aws_ssm_parameter')).map((p) => [p.name.split('/').pop(), p.value]),
    );
    expect(values['api-certificate-validation-records']).toBe('${jsonencode([])}');
    // Still attached to the listener (the former npm run ecs-domains did it): out of state, not deleted.
    expect((parsed as any).removed).toEqual([
      { from: 'aws_acm_certificate.api_certificate_1F5D9D1D', lifecycle: { destroy: false } },
      { from: 'aws_acm_certificate.web_certificate_0335DDEC', lifecycle: { destroy: false } },
    ]);
  });

  it('pins hashicorp/aws 6.60.0 in ECS Express environments only (6.25.0 fails every apply with network_configuration)', () => {
    expect(ECS_EXPRESS_AWS_PROVIDER_VERSION).toBe('6.60.0');
    expect(parsed.terraform!.required_providers.aws).toEqual({ source: 'aws', version: '6.60.0' });
    expect(synth.parsed('data').terraform!.required_providers.aws.version).toBe('6.25.0');
    expect(synthPlatform('staging').parsed('compute').terraform!.required_providers.aws.version).toBe('6.25.0');
  });

  it('warns at synth, for each service with its configured health check and concurrency, what Express Mode cannot do', () => {
    const warnings = warningsOf(synth.platform.compute);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(
      'for drop-production-stockholm-api: (1) only the health check path /v1/health is used: interval 10 s, timeout 5 s',
    );
    expect(warnings[0]).toContain('not 100 concurrent requests');
    expect(warnings[1]).toContain('for drop-production-stockholm-web: (1) only the health check path /api/health is used');
    expect(warnings.join(' ')).not.toMatch(/manual step|no p95 latency/);
  });

  it("lets CloudWatch Logs use the compute key for this environment's log groups only", () => {
    const policy = Object.values(parsed.data!.aws_iam_policy_document).find((doc: any) =>
      doc.statement.some((st: { sid?: string }) => st.sid === 'ServiceLogs'),
    ) as any;
    const logs = policy.statement.find((st: { sid?: string }) => st.sid === 'ServiceLogs');
    expect(logs.principals).toEqual([{ type: 'Service', identifiers: ['logs.eu-north-1.amazonaws.com'] }]);
    expect(logs.condition).toEqual([
      {
        test: 'ArnLike',
        variable: 'kms:EncryptionContext:aws:logs:arn',
        values: ['arn:aws:logs:eu-north-1:${data.aws_caller_identity.account.account_id}:log-group:/drop/production-stockholm/*'],
      },
    ]);
    // App Runner stores no logs with it: its key policy is unchanged.
    const appRunner = synthPlatform('staging').parsed('compute');
    expect(JSON.stringify(appRunner.data!.aws_iam_policy_document)).not.toContain('ServiceLogs');
  });

  it('reads the public subnets only when the engine needs them', () => {
    const appRunner = synthPlatform('staging').parsed('compute');
    expect(Object.keys(appRunner.data!.aws_ssm_parameter)).not.toContain('contract-data-public-subnet-ids');
    expect(Object.keys(parsed.data!.aws_ssm_parameter)).toContain('contract-data-public-subnet-ids');
  });
});

describe('compute configuration ECS Express cannot run', () => {
  it('refuses a CPU size Fargate does not offer', () => {
    expect(configErrorOf('production-stockholm', { compute: { services: { web: { cpu: 3 } } } })).toContain(
      'compute.services.web.cpu: is not an ECS Express (Fargate) size; expected vCPU 0.25, 0.5, 1, 2, 4 (found: 3)',
    );
  });

  it("refuses memory that does not go with the CPU, or is above Express Mode's 8 GB", () => {
    expect(configErrorOf('production-stockholm', { compute: { services: { api: { cpu: 0.25, memoryGb: 4 } } } })).toContain(
      'compute.services.api.memoryGb: cannot go with 0.25 vCPU on ECS Express; expected 0.5, 1, 2 GB (found: 4)',
    );
    expect(configErrorOf('production-stockholm', { compute: { services: { api: { cpu: 2, memoryGb: 16 } } } })).toContain(
      'compute.services.api.memoryGb: cannot go with 2 vCPU on ECS Express; expected 4, 5, 6, 7, 8 GB (found: 16)',
    );
  });

  it('refuses an environment name that makes the load balancer names longer than 32 characters', () => {
    expect(configErrorOf('production-stockholm', { name: 'production-stockholm-eu1' })).toContain(
      'name: makes the ecs-express load balancer name "drop-production-stockholm-eu1-web" 33 characters long; expected <project>-<name>-<service> within 32 (Elastic Load Balancing\'s limit): shorten name (or project)',
    );
  });

  it("accepts eu-north-1 and App Runner's concurrency limit does not apply", () => {
    expect(() => environment('production-stockholm', { compute: { services: { api: { concurrency: 500 } } } })).not.toThrow();
  });
});
