/**
 * Realistic values for what a stack reads at plan time from outside its own state: the contract
 * parameters other stacks publish (stacks/contract.ts), the release pointers the pipeline writes,
 * and the AWS data sources whose mocked defaults would otherwise be empty lists or random text.
 *
 * The offline plan gives these to Terraform through `override_data` and `mock_data`, so an
 * expression that only works on an empty list, or breaks on a comma list or a JSON list, fails
 * here as it would in a real plan.
 */
import { CONTRACT, parameterKey } from '../../stacks/contract';

export interface FixtureContext {
  readonly env: string;
  readonly region: string;
  readonly accountId: string;
}

/** A deterministic hex string of `length` digits from `seed`. */
function hex(seed: string, length: number): string {
  let out = '';
  let h = 2166136261;
  while (out.length < length) {
    for (const c of seed + out.length) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** The value of the SSM parameter `name` (`/<project>/<env>/<producer>/<key>`) at plan time. */
export function parameterFixture(name: string, ctx: FixtureContext): string {
  const match = /^\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(name);
  if (!match) throw new Error(`No offline-plan fixture for SSM parameter "${name}": expected /<project>/<env>/<producer>/<key>`);
  const [, project, env, producer, key] = match;
  const { region, accountId } = ctx;
  const prefix = `${project}-${env}`;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${accountId}:${resource}`;
  if (producer === 'release') return `${hex(`${env}/${key}/tag`, 7)}@sha256:${hex(`${env}/${key}`, 64)}`;
  const validation = (host: string) =>
    JSON.stringify([
      { name: `_${hex(`${host}1`, 32)}.${host}.`, type: 'CNAME', value: `_${hex(`${host}2`, 32)}.mhbtsbpdnt.acm-validations.aws.` },
      {
        name: `_${hex(`${host}3`, 32)}.2a57j78h5fsbzb7ey72hbx9c01pbxcf.${host}.`,
        type: 'CNAME',
        value: `_${hex(`${host}4`, 32)}.mhbtsbpdnt.acm-validations.aws.`,
      },
    ]);
  const values: Record<string, () => string> = {
    'private-subnet-ids': () => `subnet-${hex(`${env}p1`, 17)},subnet-${hex(`${env}p2`, 17)}`,
    'public-subnet-ids': () => `subnet-${hex(`${env}u1`, 17)},subnet-${hex(`${env}u2`, 17)}`,
    'compute-security-group-id': () => `sg-${hex(`${env}sg`, 17)}`,
    'database-address': () => `${prefix}-database.c${hex(env, 11)}.${region}.rds.amazonaws.com`,
    'database-port': () => '5432',
    'database-name': () => project,
    'database-secret-arn': () => arn('secretsmanager', `secret:rds!db-${hex(`${env}db`, 8)}-${hex(`${env}db`, 4)}-AbCdEf`),
    'database-resource-id': () => `db-${hex(`${env}dbi`, 26).toUpperCase()}`,
    'migration-cluster-arn': () => arn('ecs', `cluster/${prefix}-jobs`),
    'migration-execution-role-arn': () => `arn:aws:iam::${accountId}:role/${prefix}-db-migrate-execution`,
    'migration-log-group': () => `/${project}/${env}/db-migrate`,
    'database-key-arn': () =>
      arn('kms', `key/${hex(`${env}k`, 8)}-${hex(`${env}k1`, 4)}-${hex(`${env}k2`, 4)}-${hex(`${env}k3`, 4)}-${hex(`${env}k4`, 12)}`),
    'alarm-topic-arn': () => arn('sns', `${prefix}-alarms`),
    'api-repository-url': () => `${accountId}.dkr.ecr.${region}.amazonaws.com/${prefix}-api`,
    'web-repository-url': () => `${accountId}.dkr.ecr.${region}.amazonaws.com/${prefix}-web`,
    'api-repository-arn': () => arn('ecr', `repository/${prefix}-api`),
    'web-repository-arn': () => arn('ecr', `repository/${prefix}-web`),
    'web-dns-target': () => `${hex(`${env}w`, 10)}.${region}.awsapprunner.com`,
    'api-dns-target': () => `${hex(`${env}a`, 10)}.${region}.awsapprunner.com`,
    'web-certificate-validation-records': () => validation(`${env}.getdrop.no`),
    'api-certificate-validation-records': () => validation(`${env}-api.getdrop.no`),
    'origin-verify-secret-arn': () => arn('secretsmanager', `secret:${project}/${env}/origin-verify-AbCdEf`),
    'secrets-key-arn': () =>
      arn('kms', `key/${hex(`${env}s`, 8)}-${hex(`${env}s1`, 4)}-${hex(`${env}s2`, 4)}-${hex(`${env}s3`, 4)}-${hex(`${env}s4`, 12)}`),
    'jwt-secret-arn': () => arn('secretsmanager', `secret:${project}/${env}/jwt-secret-AbCdEf`),
    'bankid-client-id-secret-arn': () => arn('secretsmanager', `secret:${project}/${env}/bankid-client-id-AbCdEf`),
    'bankid-client-secret-secret-arn': () => arn('secretsmanager', `secret:${project}/${env}/bankid-client-secret-AbCdEf`),
    'sentry-dsn-secret-arn': () => arn('secretsmanager', `secret:${project}/${env}/sentry-dsn-AbCdEf`),
  };
  const make = values[key];
  if (!make) throw new Error(`No offline-plan fixture for SSM parameter "${name}" (key "${key}"): add one to review/plan/fixtures.ts`);
  return make();
}

/** `mock_data` defaults for AWS data sources whose mocked values would be empty or random. */
export function awsDataDefaults(ctx: FixtureContext): Record<string, Record<string, unknown>> {
  const { region, accountId } = ctx;
  return {
    aws_availability_zones: { names: ['a', 'b', 'c'].map((z) => `${region}${z}`), zone_ids: [1, 2, 3].map((n) => `euw1-az${n}`) },
    aws_caller_identity: { account_id: accountId, arn: `arn:aws:iam::${accountId}:role/plan`, user_id: 'AROAPLAN' },
    aws_region: { name: region, id: region, region },
    aws_partition: { partition: 'aws', dns_suffix: 'amazonaws.com' },
    aws_iam_policy_document: { json: '{"Version":"2012-10-17","Statement":[]}' },
    // What ECS Express created for a service (Cloud Control's read-only ECSManagedResourceArns).
    aws_cloudcontrolapi_resource: { properties: JSON.stringify(expressManagedResources(ctx)) },
    // Every secret holds a value (first-deployment step "secret values" done).
    aws_secretsmanager_secret_versions: {
      versions: [
        {
          version_id: 'a1b2c3d4-0000-4000-8000-000000000001',
          version_stages: ['AWSCURRENT'],
          created_time: '2026-11-01T00:00:00Z',
          last_accessed_date: '',
        },
      ],
    },
  };
}

/** The release pointers under `path` (`/<project>/<env>/release`), as `aws_ssm_parameters_by_path` returns them. */
export function releaseFixture(
  path: string,
  services: readonly string[],
  ctx: FixtureContext,
): { names: string[]; values: string[]; types: string[]; arns: string[] } {
  const names = services.map((service) => `${path}/${service}`);
  return {
    names,
    values: names.map((name) => parameterFixture(name, ctx)),
    types: names.map(() => 'String'),
    arns: names.map((name) => `arn:aws:ssm:${ctx.region}:${ctx.accountId}:parameter${name}`),
  };
}

/**
 * Every contract value a producer publishes under `path` (`/<project>/<env>/<producer>`), as
 * `aws_ssm_parameters_by_path` returns them; undefined when `path` is no producer's folder, or when
 * `skip` leaves its values to the caller (the first-deployment chain hands over its own).
 */
export function contractFolderFixture(
  path: string,
  ctx: FixtureContext,
  skip: (parameterName: string) => boolean = () => false,
): { names: string[]; values: string[]; types: string[]; arns: string[] } | undefined {
  const producer = path.split('/')[3] as keyof typeof CONTRACT;
  if (!(producer in CONTRACT)) return undefined;
  const names = Object.keys(CONTRACT[producer]).map((key) => `${path}/${parameterKey(key)}`);
  if (names.some(skip)) return undefined;
  return {
    names,
    values: names.map((name) => parameterFixture(name, ctx)),
    types: names.map(() => 'String'),
    arns: names.map((name) => `arn:aws:ssm:${ctx.region}:${ctx.accountId}:parameter${name}`),
  };
}

/** `AWS::ECS::ExpressGatewayService` properties as Cloud Control returns them: the resources Express manages. */
export function expressManagedResources(ctx: FixtureContext): Record<string, unknown> {
  const { region, accountId } = ctx;
  const elb = (resource: string) => `arn:aws:elasticloadbalancing:${region}:${accountId}:${resource}`;
  const alb = `ecs-express-gateway-alb-${hex(`${ctx.env}alb`, 8)}`;
  const albId = hex(`${ctx.env}albid`, 16);
  return {
    ServiceArn: `arn:aws:ecs:${region}:${accountId}:service/default/${ctx.env}`,
    ECSManagedResourceArns: {
      IngressPath: {
        LoadBalancerArn: elb(`loadbalancer/app/${alb}/${albId}`),
        ListenerArn: elb(`listener/app/${alb}/${albId}/${hex(`${ctx.env}l`, 16)}`),
        ListenerRuleArn: elb(`listener-rule/app/${alb}/${albId}/${hex(`${ctx.env}l`, 16)}/${hex(`${ctx.env}r`, 16)}`),
        TargetGroupArns: [1, 2].map((n) =>
          elb(`targetgroup/ecs-gateway-tg-${hex(`${ctx.env}tg${n}`, 8)}/${hex(`${ctx.env}tgid${n}`, 16)}`),
        ),
        LoadBalancerSecurityGroups: [`arn:aws:ec2:${region}:${accountId}:security-group/sg-${hex(`${ctx.env}albsg`, 17)}`],
        CertificateArn: `arn:aws:acm:${region}:${accountId}:certificate/${hex(`${ctx.env}c`, 8)}-0000-4000-8000-${hex(`${ctx.env}c2`, 12)}`,
      },
      ServiceSecurityGroups: [`arn:aws:ec2:${region}:${accountId}:security-group/sg-${hex(`${ctx.env}svcsg`, 17)}`],
      LogGroups: [],
      MetricAlarms: [],
    },
  };
}

/**
 * `mock_resource` defaults for computed attributes that AWS always fills and the stacks index
 * into (an empty mocked list would fail where AWS never would).
 */
export function awsResourceDefaults(ctx: FixtureContext): Record<string, Record<string, unknown>> {
  const { region, accountId } = ctx;
  return {
    aws_ecr_repository: { repository_url: `${accountId}.dkr.ecr.${region}.amazonaws.com/mock` },
    aws_db_instance: {
      master_user_secret: [
        {
          secret_arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:rds!db-${hex(ctx.env, 8)}-AbCdEf`,
          kms_key_id: `arn:aws:kms:${region}:${accountId}:key/mock`,
          secret_status: 'active',
        },
      ],
    },
  };
}

/** Computed attributes of resource types the available provider cannot plan (see transform.ts). */
export function evaluatedComputed(ctx: FixtureContext): Record<string, Record<string, unknown>> {
  return {
    aws_ecs_express_gateway_service: {
      // Private: Express's tasks and load balancer are in the private subnets (docs/compute-engines.md).
      ingress_paths: [{ access_type: 'PRIVATE', endpoint: `https://${hex(`${ctx.env}ecs`, 12)}.ecs.${ctx.region}.on.aws` }],
      service_arn: `arn:aws:ecs:${ctx.region}:${ctx.accountId}:service/default/mock`,
      service_revision_arn: `arn:aws:ecs:${ctx.region}:${ctx.accountId}:service-revision/default/mock/1`,
    },
  };
}
