import { ApprunnerAutoScalingConfigurationVersion } from '@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version';
import { ApprunnerCustomDomainAssociation } from '@cdktf/provider-aws/lib/apprunner-custom-domain-association';
import { ApprunnerObservabilityConfiguration } from '@cdktf/provider-aws/lib/apprunner-observability-configuration';
import { ApprunnerService } from '@cdktf/provider-aws/lib/apprunner-service';
import { ApprunnerVpcConnector } from '@cdktf/provider-aws/lib/apprunner-vpc-connector';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { AppRunnerService, appRunnerMaxConcurrency } from '../../../constructs/compute/app-runner-service';
import type { ServiceProps } from '../../../constructs/compute/service';
import {
  ACCOUNT,
  COMPUTE_KEY,
  DATABASE_USER,
  DIGEST,
  REPOSITORY_ARN,
  TOPIC,
  roleStatements,
  secretArn,
  serviceStack,
  offer,
} from './service-fixture';

/** GIVEN a stack holding only an App Runner api (and its key), WHEN synthesized. */
function synthesized(overrides: Partial<ServiceProps> = {}) {
  const { stack, props } = serviceStack(overrides);
  const service = new AppRunnerService(stack, 'api', props);
  offer(stack, service);
  const json = Testing.synth(stack);
  const parsed = JSON.parse(json);
  const [serviceId, body] = Object.entries<any>(parsed.resource.aws_apprunner_service)[0];
  return { stack, json, parsed, serviceId, body };
}

describe('AppRunnerService', () => {
  const { json, parsed, serviceId, body } = synthesized();
  const offered = (key: string) => parsed.output[key].value;

  it('runs the image by digest from ECR on its port, never auto-deployed', () => {
    expect(json).toHaveResourceWithProperties(ApprunnerService, {
      service_name: 'drop-staging-api',
      instance_configuration: expect.objectContaining({ cpu: '1024', memory: '2048' }),
    });
    expect(body.source_configuration).toMatchObject({
      auto_deployments_enabled: false,
      image_repository: {
        image_repository_type: 'ECR',
        image_identifier: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/drop-staging/api@${DIGEST}`,
        image_configuration: { port: '3001' },
      },
    });
  });

  it('passes plain variables as values and secrets by ARN only', () => {
    const configuration = body.source_configuration.image_repository.image_configuration;
    expect(configuration.runtime_environment_variables).toEqual({ NODE_ENV: 'production', PORT: '3001' });
    expect(configuration.runtime_environment_secrets).toEqual({ SENTRY_DSN: secretArn('sentry-dsn'), JWT_SECRET: secretArn('jwt-secret') });
  });

  it('is health-checked over HTTP with the given path, timings and thresholds', () => {
    expect(body.health_check_configuration).toEqual({
      protocol: 'HTTP',
      path: '/v1/health',
      interval: 10,
      timeout: 5,
      healthy_threshold: 1,
      unhealthy_threshold: 3,
    });
  });

  it('scales between the given instances, out above 80 % of the concurrency target, with a replaceable configuration', () => {
    expect(json).toHaveResourceWithProperties(ApprunnerAutoScalingConfigurationVersion, {
      auto_scaling_configuration_name: 'drop-staging-api',
      min_size: 1,
      max_size: 10,
      max_concurrency: 80,
      // Every argument forces a new version, and the one in use cannot be deleted first.
      lifecycle: { create_before_destroy: true },
    });
    expect(body.auto_scaling_configuration_arn).toMatch(
      /^\$\{aws_apprunner_auto_scaling_configuration_version\.api_scaling_[A-F0-9]+\.arn\}$/,
    );
  });

  it('sends all egress through a VPC connector in the given subnets and security groups, and is reachable from the internet', () => {
    expect(json).toHaveResourceWithProperties(ApprunnerVpcConnector, {
      vpc_connector_name: 'drop-staging-api',
      subnets: ['subnet-private-0', 'subnet-private-1'],
      security_groups: ['sg-compute'],
    });
    expect(body.network_configuration).toEqual({
      egress_configuration: {
        egress_type: 'VPC',
        vpc_connector_arn: expect.stringMatching(/^\$\{aws_apprunner_vpc_connector\.api_vpc-connector_/),
      },
      ingress_configuration: { is_publicly_accessible: true },
    });
  });

  it('is traced with X-Ray, and its instance role may write traces', () => {
    expect(body.observability_configuration).toMatchObject({ observability_enabled: true });
    expect(json).toHaveResourceWithProperties(ApprunnerObservabilityConfiguration, {
      observability_configuration_name: 'drop-staging-api',
      trace_configuration: { vendor: 'AWSXRAY' },
    });
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
      role: expect.stringContaining('api_instance-role_'),
    });
  });

  it('encrypts its service data with the given key', () => {
    expect(body.encryption_configuration).toEqual({ kms_key: COMPUTE_KEY });
  });

  it('answers on its custom domain without a www subdomain, and offers its DNS target and validation records', () => {
    expect(json).toHaveResourceWithProperties(ApprunnerCustomDomainAssociation, {
      domain_name: 'staging-api.getdrop.no',
      enable_www_subdomain: false,
      service_arn: `\${aws_apprunner_service.${serviceId}.arn}`,
    });
    const domain = Object.keys(parsed.resource.aws_apprunner_custom_domain_association)[0];
    expect(offered('dnsTarget')).toBe(`\${aws_apprunner_custom_domain_association.${domain}.dns_target}`);
    expect(offered('certificateValidationRecords')).toBe(
      `\${jsonencode(aws_apprunner_custom_domain_association.${domain}.certificate_validation_records)}`,
    );
    expect(offered('serviceUrl')).toBe(`https://\${aws_apprunner_service.${serviceId}.service_url}`);
  });

  it('lets the access role, assumed by App Runner builds, pull and describe only its own repository', () => {
    const [login, pull, ...rest] = roleStatements(parsed, 'drop-staging-api-ecr-access');
    expect(login).toMatchObject({ sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'] });
    expect(pull).toMatchObject({ sid: 'PullOwnImage', resources: [REPOSITORY_ARN] });
    expect(pull.actions).toContain('ecr:DescribeImages');
    expect(rest).toEqual([]);
    expect(trustOf('drop-staging-api-ecr-access')).toEqual(['build.apprunner.amazonaws.com']);
    expect(body.source_configuration.authentication_configuration.access_role_arn).toMatch(/api_access-role_/);
  });

  it('lets the instance role, assumed by App Runner tasks, read only its own secrets and connect as its database user', () => {
    const statements = roleStatements(parsed, 'drop-staging-api-instance');
    expect(statements.map((s) => s.sid)).toEqual(['ReadOwnSecrets', 'DecryptOwnSecrets', 'ConnectAsRuntimeUser']);
    expect(statements[0].resources).toEqual([secretArn('sentry-dsn'), secretArn('jwt-secret')]);
    expect(statements[2].resources).toEqual([DATABASE_USER]);
    expect(trustOf('drop-staging-api-instance')).toEqual(['tasks.apprunner.amazonaws.com']);
    expect(body.instance_configuration.instance_role_arn).toMatch(/api_instance-role_/);
  });

  it("creates the service only after its roles' policies exist", () => {
    expect([...body.depends_on].sort()).toEqual([
      expect.stringMatching(/^aws_iam_role_policy\.api_access-policy_/),
      expect.stringMatching(/^aws_iam_role_policy\.api_instance-policy_/),
      expect.stringMatching(/^aws_iam_role_policy_attachment\.api_tracing_/),
    ]);
  });

  describe('alarms (docs/requirements.md, Alarms), to the given topic on alarm and back to OK', () => {
    const alarms = Object.fromEntries(
      Object.values<any>(parsed.resource.aws_cloudwatch_metric_alarm).map((a) => [a.alarm_name.replace('drop-staging-api-', ''), a]),
    );
    const dimensions = { ServiceName: 'drop-staging-api', ServiceID: `\${aws_apprunner_service.${serviceId}.service_id}` };

    it('has exactly the latency, 5xx-rate and CPU alarms', () => {
      expect(Object.keys(alarms).sort()).toEqual(['5xx-rate', 'cpu', 'latency-p95']);
      for (const alarm of Object.values<any>(alarms)) expect(alarm).toMatchObject({ alarm_actions: [TOPIC], ok_actions: [TOPIC] });
    });

    it('alarms on p95 request latency above 500 ms for 3 minutes', () => {
      expect(alarms['latency-p95']).toMatchObject({
        namespace: 'AWS/AppRunner',
        metric_name: 'RequestLatency',
        dimensions,
        extended_statistic: 'p95',
        threshold: 500,
        period: 60,
        evaluation_periods: 3,
        comparison_operator: 'GreaterThanThreshold',
        treat_missing_data: 'notBreaching',
      });
    });

    it('alarms on 5xx above 5 % of requests for 2 minutes, computed from the service metrics', () => {
      const rate = alarms['5xx-rate'];
      expect(rate).toMatchObject({
        threshold: 5,
        evaluation_periods: 2,
        comparison_operator: 'GreaterThanThreshold',
        treat_missing_data: 'notBreaching',
      });
      expect(rate.metric_query.map((q: any) => q.expression ?? q.metric.metric_name)).toEqual([
        '5xxStatusResponses',
        'Requests',
        'IF(requests > 0, 100 * errors / requests, 0)',
      ]);
      for (const query of rate.metric_query.filter((q: any) => q.metric)) {
        expect(query.metric).toEqual({
          namespace: 'AWS/AppRunner',
          metric_name: query.metric.metric_name,
          dimensions,
          period: 60,
          stat: 'Sum',
        });
      }
    });

    it('alarms on average CPU above 80 % for 3 minutes', () => {
      expect(alarms.cpu).toMatchObject({
        namespace: 'AWS/AppRunner',
        metric_name: 'CPUUtilization',
        dimensions,
        statistic: 'Average',
        threshold: 80,
        period: 60,
        evaluation_periods: 3,
        comparison_operator: 'GreaterThanThreshold',
      });
    });
  });

  function trustOf(roleName: string): string[] {
    const role = Object.values<any>(parsed.resource.aws_iam_role).find((r) => r.name === roleName);
    const document = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(role.assume_role_policy)![1];
    return parsed.data.aws_iam_policy_document[document].statement.flatMap((s: any) => s.principals[0].identifiers);
  }
});

describe('App Runner scale-out', () => {
  it.each([
    [40, 50],
    [80, 100],
    [1, 1],
  ])('scales out above max_concurrency %i for a concurrency target of %i (80 percent, at least 1)', (expected, target) => {
    expect(appRunnerMaxConcurrency(target)).toBe(expected);
  });
});

describe('an App Runner service without secrets or database user', () => {
  it('has no instance policy and waits only for the access policy and tracing', () => {
    const { parsed, body } = synthesized({ secrets: {}, databaseUserArn: undefined });
    expect(Object.keys(parsed.resource.aws_iam_role_policy)).toEqual([expect.stringMatching(/^api_access-policy_/)]);
    expect(body.depends_on).toHaveLength(2);
  });
});

describe('App Runner refusals', () => {
  it('refuses, at the construct, concurrency above 200 and a size App Runner does not run, together', () => {
    expect(() => synthesized({ cpu: 3, scaling: { minInstances: 1, maxInstances: 10, concurrency: 250 } })).toThrow(
      'test/api (2 problems):\n' +
        '  - cpu: is not an App Runner size; expected vCPU 0.25, 0.5, 1, 2, 4 (found: 3)\n' +
        "  - scaling.concurrency: is above App Runner's maximum; expected 1 to 200 (found: 250)",
    );
  });
});
