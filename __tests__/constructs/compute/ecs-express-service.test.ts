import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsExpressGatewayService } from '@cdktf/provider-aws/lib/ecs-express-gateway-service';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import {
  CLOUDFLARE_IPV4_RANGES,
  ECS_EXPRESS_AWS_PROVIDER_VERSION,
  ENDPOINT_HOST_PATTERN,
  EcsExpressService,
  SCALING_VARIABLE,
} from '../../../constructs/compute/ecs-express-service';
import type { ServiceProps } from '../../../constructs/compute/service';
import { warningsOf } from '../../helpers';
import { COMPUTE_KEY, DIGEST, REPOSITORY_ARN, TOPIC, one, roleStatements, secretArn, serviceStack, offer } from './service-fixture';

const PUBLIC_SUBNETS = ['subnet-public-0', 'subnet-public-1'];

/** GIVEN a stack holding only an ECS Express api (and its key), WHEN synthesized. */
function synthesized(overrides: Partial<ServiceProps> = {}) {
  const { stack, props } = serviceStack({ region: 'eu-north-1', ...overrides });
  const service = new EcsExpressService(stack, 'api', { ...props, publicSubnetIds: PUBLIC_SUBNETS });
  offer(stack, service);
  const json = Testing.synth(stack);
  const parsed = JSON.parse(json);
  const [serviceId, body] = Object.entries<any>(parsed.resource.aws_ecs_express_gateway_service)[0];
  return { stack, json, parsed, serviceId, body };
}

/** A Cloud Control lookup of what Express created for the service: `IngressPath.<key>`. */
const ingressPath = (managed: string, key: string) =>
  `jsondecode(data.aws_cloudcontrolapi_resource.${managed}.properties).ECSManagedResourceArns.IngressPath.${key}`;

describe('EcsExpressService', () => {
  const { json, parsed, serviceId, body, stack } = synthesized();
  const offered = (key: string) => parsed.output[key].value;
  const [container] = body.primary_container;
  const managed = Object.keys(parsed.data.aws_cloudcontrolapi_resource)[0];

  it('runs the image by digest in the default cluster, in the given subnets and security groups', () => {
    expect(json).toHaveResourceWithProperties(EcsExpressGatewayService, {
      service_name: 'drop-staging-api',
      cluster: 'default',
      cpu: '1024',
      memory: '2048',
      health_check_path: '/v1/health',
      network_configuration: [{ subnets: ['subnet-private-0', 'subnet-private-1'], security_groups: ['sg-compute'] }],
    });
    expect(container).toMatchObject({
      image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/drop-staging/api@${DIGEST}`,
      container_port: 3001,
    });
  });

  it('scales on average CPU at 60 % between the given task counts, waiting for each canary deployment to finish', () => {
    expect(body.scaling_target).toEqual([
      { auto_scaling_metric: 'AVERAGE_CPU', auto_scaling_target_value: 60, min_task_count: 1, max_task_count: 10 },
    ]);
    expect(body.wait_for_steady_state).toBe(true);
  });

  it('passes variables and secrets (by ARN) sorted by name, the order ECS returns them in', () => {
    expect(container.environment).toEqual([
      { name: SCALING_VARIABLE, value: '1-10-AVERAGE_CPU-60' },
      { name: 'NODE_ENV', value: 'production' },
      { name: 'PORT', value: '3001' },
    ]);
    expect(container.secret).toEqual([
      { name: 'JWT_SECRET', value_from: secretArn('jwt-secret') },
      { name: 'SENTRY_DSN', value_from: secretArn('sentry-dsn') },
    ]);
  });

  it('changes the container when only the scaling target changes, so the provider sends the new target', () => {
    const more = synthesized({ scaling: { minInstances: 1, maxInstances: 11, concurrency: 100 } }).body;
    const variable = (s: any) => s.primary_container[0].environment.find((e: { name: string }) => e.name === SCALING_VARIABLE).value;
    expect(variable(body)).toBe('1-10-AVERAGE_CPU-60');
    expect(variable(more)).toBe('1-11-AVERAGE_CPU-60');
  });

  it('sends container logs to its own log group, kept a year, encrypted with the given key', () => {
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/drop/staging/api',
      retention_in_days: 365,
      kms_key_id: COMPUTE_KEY,
    });
    expect(container.aws_logs_configuration).toEqual([
      { log_group: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.api_logs_[A-F0-9]+\.name\}$/), log_stream_prefix: 'api' },
    ]);
  });

  it("lets CloudWatch Logs use the key for this environment's log groups only", () => {
    const keyPolicy = Object.values<any>(parsed.data.aws_iam_policy_document).find((d) =>
      d.statement.some((s: { sid?: string }) => s.sid === 'ServiceLogs'),
    );
    const logs = keyPolicy.statement.find((s: { sid?: string }) => s.sid === 'ServiceLogs');
    expect(logs.principals).toEqual([{ type: 'Service', identifiers: ['logs.eu-north-1.amazonaws.com'] }]);
    expect(logs.condition).toEqual([
      {
        test: 'ArnLike',
        variable: 'kms:EncryptionContext:aws:logs:arn',
        values: ['arn:aws:logs:eu-north-1:${data.aws_caller_identity.account.account_id}:log-group:/drop/staging/*'],
      },
    ]);
  });

  it('lets the execution role pull only its own repository, write only its own log group and inject only its own secrets', () => {
    const bySid = Object.fromEntries(roleStatements(parsed, 'drop-staging-api-execution').map((s) => [s.sid, s]));
    expect(Object.keys(bySid)).toEqual(['EcrLogin', 'PullOwnImage', 'WriteOwnLogs', 'ReadOwnSecrets', 'DecryptOwnSecrets']);
    expect(bySid.PullOwnImage.resources).toEqual([REPOSITORY_ARN]);
    expect(bySid.WriteOwnLogs).toMatchObject({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.api_logs_[A-F0-9]+\.arn\}:\*$/)],
    });
    expect(bySid.ReadOwnSecrets.resources).toEqual([secretArn('sentry-dsn'), secretArn('jwt-secret')]);
    // Starting the task never needs the database: the running task connects with its own role.
    expect(bySid.ConnectAsRuntimeUser).toBeUndefined();
    expect(trustOf('drop-staging-api-execution')).toEqual(['ecs-tasks.amazonaws.com']);
  });

  it('lets the task role read its own secrets and connect as its database user, nothing else', () => {
    expect(roleStatements(parsed, 'drop-staging-api-task').map((s) => s.sid)).toEqual([
      'ReadOwnSecrets',
      'DecryptOwnSecrets',
      'ConnectAsRuntimeUser',
    ]);
    expect(trustOf('drop-staging-api-task')).toEqual(['ecs-tasks.amazonaws.com']);
  });

  it("gives the infrastructure role only AWS's managed policy for Express services", () => {
    const [id, attachment] = Object.entries<any>(parsed.resource.aws_iam_role_policy_attachment).find(([, a]) =>
      a.role.includes('api_infrastructure-role'),
    )!;
    expect(attachment.policy_arn).toBe('arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices');
    expect(Object.keys(parsed.resource.aws_iam_role_policy_attachment)).toEqual([id]);
    expect(trustOf('drop-staging-api-infrastructure')).toEqual(['ecs.amazonaws.com']);
  });

  it('starts the service only after its infrastructure, execution and task role policies exist', () => {
    expect([...body.depends_on].sort()).toEqual([
      expect.stringMatching(/^aws_iam_role_policy\.api_execution-policy_/),
      expect.stringMatching(/^aws_iam_role_policy\.api_task-policy_/),
      expect.stringMatching(/^aws_iam_role_policy_attachment\.api_infrastructure-policy_/),
    ]);
  });

  it("finds what Express created through Cloud Control by the service's ARN, not by a typed name", () => {
    expect(parsed.data.aws_cloudcontrolapi_resource[managed]).toEqual({
      type_name: 'AWS::ECS::ExpressGatewayService',
      identifier: `\${aws_ecs_express_gateway_service.${serviceId}.service_arn}`,
    });
  });

  it('puts an internet-facing Network Load Balancer in the public subnets, whose one target is the Express load balancer, on TCP 443', () => {
    const [lbId] = one(parsed, 'aws_lb', 'api_ingress_');
    expect(json).toHaveResourceWithProperties(Lb, {
      name: 'drop-staging-api',
      load_balancer_type: 'network',
      internal: false,
      subnets: PUBLIC_SUBNETS,
      enable_cross_zone_load_balancing: true,
    });
    expect(offered('dnsTarget')).toBe(`\${aws_lb.${lbId}.dns_name}`);
    const [targetId] = one(parsed, 'aws_lb_target_group', 'api_ingress-target_');
    expect(json).toHaveResourceWithProperties(LbTargetGroup, {
      name: 'drop-staging-api',
      target_type: 'alb',
      protocol: 'TCP',
      port: 443,
      health_check: { protocol: 'HTTPS', path: '/', matcher: '200-499' },
    });
    expect(one(parsed, 'aws_lb_target_group_attachment', 'api_ingress-target-express_')[1]).toEqual({
      target_group_arn: `\${aws_lb_target_group.${targetId}.arn}`,
      target_id: `\${${ingressPath(managed, 'LoadBalancerArn')}}`,
      port: 443,
    });
    expect(json).toHaveResourceWithProperties(LbListener, {
      load_balancer_arn: `\${aws_lb.${lbId}.arn}`,
      port: 443,
      protocol: 'TCP',
      default_action: [{ type: 'forward', target_group_arn: `\${aws_lb_target_group.${targetId}.arn}` }],
    });
  });

  it("admits only Cloudflare's ranges to the Network Load Balancer, on 443", () => {
    const [groupId] = one(parsed, 'aws_security_group', 'api_ingress-security-group_');
    const [listId, list] = one(parsed, 'aws_ec2_managed_prefix_list', 'api_cloudflare-ranges_');
    const rules = Object.values<any>(parsed.resource.aws_vpc_security_group_ingress_rule).filter(
      (r) => r.security_group_id === `\${aws_security_group.${groupId}.id}`,
    );
    expect(rules).toEqual([
      {
        security_group_id: `\${aws_security_group.${groupId}.id}`,
        description: 'HTTPS from Cloudflare',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        prefix_list_id: `\${aws_ec2_managed_prefix_list.${listId}.id}`,
      },
    ]);
    expect(list).toMatchObject({ name: 'drop-staging-api-cloudflare', address_family: 'IPv4', max_entries: 20 });
    expect(list.entry.map((e: { cidr: string }) => e.cidr)).toEqual([...CLOUDFLARE_IPV4_RANGES]);
    expect(list.entry).toHaveLength(15);
  });

  it("admits only the Network Load Balancer's group to the Express load balancer, on 443, and lets it out only there", () => {
    const [groupId] = one(parsed, 'aws_security_group', 'api_ingress-security-group_');
    const expressGroup = `\${regex("sg-[0-9a-f]+", element(${ingressPath(managed, 'LoadBalancerSecurityGroups')}, 0))}`;
    expect(one(parsed, 'aws_vpc_security_group_ingress_rule', 'api_express-from-ingress_')[1]).toMatchObject({
      security_group_id: expressGroup,
      referenced_security_group_id: `\${aws_security_group.${groupId}.id}`,
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
    });
    expect(Object.values(parsed.resource.aws_vpc_security_group_egress_rule)).toEqual([
      expect.objectContaining({
        security_group_id: `\${aws_security_group.${groupId}.id}`,
        referenced_security_group_id: expressGroup,
        from_port: 443,
        to_port: 443,
      }),
    ]);
  });

  describe('alarms (docs/requirements.md, Alarms) on both target groups of the service, to the given topic', () => {
    const alarms = Object.fromEntries(
      Object.values<any>(parsed.resource.aws_cloudwatch_metric_alarm).map((a) => [a.alarm_name.replace('drop-staging-api-', ''), a]),
    );
    const metricsOf = (name: string) => alarms[name].metric_query.filter((q: any) => q.metric).map((q: any) => q.metric);

    it('has the three shared alarms and the two outage alarms, each notifying on alarm and on OK', () => {
      expect(Object.keys(alarms).sort()).toEqual(['5xx-rate', 'cpu', 'healthy-hosts', 'latency-p95', 'load-balancer-5xx']);
      for (const alarm of Object.values<any>(alarms)) expect(alarm).toMatchObject({ alarm_actions: [TOPIC], ok_actions: [TOPIC] });
    });

    it('alarms on p95 target response time above 0.5 s for 3 minutes, on either target group, no data counting as breaching', () => {
      const latency = alarms['latency-p95'];
      expect(latency).toMatchObject({ threshold: 0.5, evaluation_periods: 3, treat_missing_data: 'breaching' });
      const queries = latency.metric_query.filter((q: any) => q.metric);
      expect(queries.map((q: any) => [q.id, q.metric.namespace, q.metric.metric_name, q.metric.stat, q.metric.period])).toEqual([
        ['latency0', 'AWS/ApplicationELB', 'TargetResponseTime', 'p95', 60],
        ['latency1', 'AWS/ApplicationELB', 'TargetResponseTime', 'p95', 60],
      ]);
      expect(queries[0].metric.dimensions).toEqual({
        LoadBalancer: `\${regex("app/.+$", ${ingressPath(managed, 'LoadBalancerArn')})}`,
        TargetGroup: `\${regex("targetgroup/.+$", element(${ingressPath(managed, 'TargetGroupArns')}, 0))}`,
      });
      expect(queries[1].metric.dimensions.TargetGroup).toMatch(/TargetGroupArns, 1\)\)\}$/);
      expect(latency.metric_query.find((q: any) => q.return_data).expression).toBe('MAX([latency0, latency1])');
    });

    it('alarms on target 5xx above 5 % of requests of both target groups for 2 minutes', () => {
      expect(alarms['5xx-rate']).toMatchObject({ threshold: 5, evaluation_periods: 2, comparison_operator: 'GreaterThanThreshold' });
      expect(metricsOf('5xx-rate').map((m: any) => [m.metric_name, m.stat])).toEqual([
        ['HTTPCode_Target_5XX_Count', 'Sum'],
        ['HTTPCode_Target_5XX_Count', 'Sum'],
        ['RequestCount', 'Sum'],
        ['RequestCount', 'Sum'],
      ]);
    });

    it('pages when no target of either target group is healthy for 2 minutes, no data included', () => {
      expect(alarms['healthy-hosts']).toMatchObject({
        comparison_operator: 'LessThanThreshold',
        threshold: 1,
        evaluation_periods: 2,
        treat_missing_data: 'breaching',
      });
      expect(metricsOf('healthy-hosts').map((m: any) => [m.metric_name, m.stat, Object.keys(m.dimensions).sort()])).toEqual([
        ['HealthyHostCount', 'Maximum', ['LoadBalancer', 'TargetGroup']],
        ['HealthyHostCount', 'Maximum', ['LoadBalancer', 'TargetGroup']],
      ]);
      expect(alarms['healthy-hosts'].metric_query.find((q: any) => q.return_data).expression).toBe('FILL(healthy0, 0) + FILL(healthy1, 0)');
    });

    it("pages on the load balancer's own 5xx above 5 % of its requests, by load balancer (the metric has no target group)", () => {
      expect(alarms['load-balancer-5xx']).toMatchObject({ threshold: 5, evaluation_periods: 2, treat_missing_data: 'breaching' });
      expect(metricsOf('load-balancer-5xx').map((m: any) => [m.metric_name, Object.keys(m.dimensions)])).toEqual([
        ['HTTPCode_ELB_5XX_Count', ['LoadBalancer']],
        ['RequestCount', ['LoadBalancer']],
      ]);
    });

    it('alarms on the ECS service average CPU above 80 % for 3 minutes', () => {
      expect(alarms.cpu).toMatchObject({
        namespace: 'AWS/ECS',
        metric_name: 'CPUUtilization',
        dimensions: { ClusterName: 'default', ServiceName: 'drop-staging-api' },
        statistic: 'Average',
        threshold: 80,
        period: 60,
        evaluation_periods: 3,
      });
    });
  });

  it("leaves the custom domain's certificate to the edge stack, and forgets the one it used to create without deleting it", () => {
    expect(parsed.resource.aws_acm_certificate).toBeUndefined();
    expect(offered('certificateValidationRecords')).toBe('${jsonencode([])}');
    expect(parsed.removed).toEqual([
      { from: expect.stringMatching(/^aws_acm_certificate\.api_certificate_[A-F0-9]+$/), lifecycle: { destroy: false } },
    ]);
  });

  it('outputs the service ARN for the scripts that read it', () => {
    expect(parsed.output['api-service-arn']).toMatchObject({ value: `\${aws_ecs_express_gateway_service.${serviceId}.service_arn}` });
  });

  it('pins the hashicorp/aws version that applies network_configuration in its stack', () => {
    expect(ECS_EXPRESS_AWS_PROVIDER_VERSION).toBe('6.60.0');
    expect(parsed.terraform.required_providers.aws.version).toBe('6.60.0');
  });

  it('warns at synth about the health check timings and the scaling metric Express Mode cannot honour', () => {
    const [warning, ...rest] = warningsOf(stack);
    expect(rest).toEqual([]);
    expect(warning).toContain(
      'only the health check path /v1/health is used: interval 10 s, timeout 5 s and thresholds are Express Mode defaults',
    );
    expect(warning).toContain('target tracking on average CPU at 60 %, not 100 concurrent requests');
  });

  function trustOf(roleName: string): string[] {
    const role = Object.values<any>(parsed.resource.aws_iam_role).find((r) => r.name === roleName);
    const document = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(role.assume_role_policy)![1];
    return parsed.data.aws_iam_policy_document[document].statement.flatMap((s: any) => s.principals[0].identifiers);
  }
});

describe('the Express endpoint host', () => {
  it('is the bare host name of an endpoint with or without scheme, port or path', () => {
    // RE2 (Terraform) and JavaScript agree on this pattern: a non-capturing group and one capture.
    const host = (endpoint: string) => new RegExp(ENDPOINT_HOST_PATTERN).exec(endpoint)![1];
    expect(host('https://dr-abc123.ecs.eu-north-1.on.aws/')).toBe('dr-abc123.ecs.eu-north-1.on.aws');
    expect(host('dr-abc123.ecs.eu-north-1.on.aws')).toBe('dr-abc123.ecs.eu-north-1.on.aws');
    expect(host('https://dr-abc123.ecs.eu-north-1.on.aws:443/v1')).toBe('dr-abc123.ecs.eu-north-1.on.aws');
  });
});

describe('ECS Express refusals', () => {
  it('refuses, at the construct, a vCPU Fargate does not run', () => {
    expect(() => synthesized({ cpu: 3 })).toThrow(
      'test/api (1 problem):\n  - cpu: is not an ECS Express (Fargate) size; expected vCPU 0.25, 0.5, 1, 2, 4 (found: 3)',
    );
  });
});
