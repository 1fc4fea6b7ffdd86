/**
 * The App Runner engine: a service from an ECR image with an access role, an instance role that
 * reads only its own secrets, a replaceable auto scaling configuration, X-Ray tracing, VPC egress
 * through a connector, a custom domain, and the alarms of docs/requirements.md (Alarms).
 */
import { ApprunnerAutoScalingConfigurationVersion } from '@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version';
import { ApprunnerCustomDomainAssociation } from '@cdktf/provider-aws/lib/apprunner-custom-domain-association';
import { ApprunnerObservabilityConfiguration } from '@cdktf/provider-aws/lib/apprunner-observability-configuration';
import { ApprunnerService } from '@cdktf/provider-aws/lib/apprunner-service';
import { ApprunnerVpcConnector } from '@cdktf/provider-aws/lib/apprunner-vpc-connector';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { throwIfProblems } from '../validation';
import { appRunnerProblems } from './engines';
import { ALARMS, alarmBasics } from './alarms';
import { assumedBy } from '../iam';
import { type ComputeService, type ServiceProps, grantSecretReads, imageIdentifier, pullOwnImageStatements } from './service';

/**
 * Where scale-out starts, as a share of the concurrency target (docs/requirements.md, Scaling:
 * scale up above 80 % of the target).
 */
export const SCALE_OUT_AT_SHARE = 0.8;

/**
 * App Runner's `max_concurrency` for a concurrency target: App Runner adds an instance only when
 * an instance's concurrent requests exceed `max_concurrency` ("If the number of concurrent
 * requests exceeds this limit, App Runner scales up your service", CreateAutoScalingConfiguration,
 * MaxConcurrency), so 80 % of the target (40 for 50, 80 for 100) starts scale-out where the
 * requirement says, not at 100 %.
 */
export function appRunnerMaxConcurrency(target: number): number {
  return Math.max(1, Math.floor(target * SCALE_OUT_AT_SHARE));
}

export class AppRunnerService extends Construct implements ComputeService {
  readonly service: ApprunnerService;
  readonly instanceRole: IamRole;
  readonly dnsTarget: string;
  readonly certificateValidationRecords: string;
  readonly serviceUrl: string;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    throwIfProblems(this, appRunnerProblems(props));
    const { naming, name } = props;
    const serviceName = naming.resource(name);

    // Pulls the image from ECR.
    const access = new IamRole(this, 'access-role', {
      name: naming.resource(name, 'ecr-access'),
      assumeRolePolicy: assumedBy(this, 'access-trust', 'build.apprunner.amazonaws.com').json,
    });
    const pull = new DataAwsIamPolicyDocument(this, 'pull', {
      statement: pullOwnImageStatements(props.image.repositoryArn, ['ecr:DescribeImages']),
    });
    const accessPolicy = new IamRolePolicy(this, 'access-policy', { role: access.id, name: 'pull-image', policy: pull.json });

    // What the running instances may do: read their own secrets, connect to the database as their runtime user (the api), write traces.
    this.instanceRole = new IamRole(this, 'instance-role', {
      name: naming.resource(name, 'instance'),
      assumeRolePolicy: assumedBy(this, 'instance-trust', 'tasks.apprunner.amazonaws.com').json,
    });
    const instancePolicy = grantSecretReads(this, this.instanceRole, 'instance-policy', props);
    const tracingPolicy = new IamRolePolicyAttachment(this, 'tracing', {
      role: this.instanceRole.name,
      policyArn: 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
    });

    // Every argument forces a new version and a version in use cannot be deleted: a new revision
    // of the same name is created first, the service switches, then the old one goes.
    const scaling = new ApprunnerAutoScalingConfigurationVersion(this, 'scaling', {
      autoScalingConfigurationName: serviceName,
      minSize: props.scaling.minInstances,
      maxSize: props.scaling.maxInstances,
      maxConcurrency: appRunnerMaxConcurrency(props.scaling.concurrency),
      lifecycle: { createBeforeDestroy: true },
    });

    const tracing = new ApprunnerObservabilityConfiguration(this, 'observability', {
      observabilityConfigurationName: serviceName,
      traceConfiguration: { vendor: 'AWSXRAY' },
    });

    const connector = new ApprunnerVpcConnector(this, 'vpc-connector', {
      vpcConnectorName: serviceName,
      subnets: props.egress.subnetIds,
      securityGroups: props.egress.securityGroupIds,
    });

    this.service = new ApprunnerService(this, 'service', {
      serviceName,
      // The roles are only usable once their policies exist: App Runner checks the access role
      // when it creates the service ("...access role") and an instance reads its secrets at start.
      dependsOn: [accessPolicy, tracingPolicy, ...(instancePolicy ? [instancePolicy] : [])],
      sourceConfiguration: {
        autoDeploymentsEnabled: false,
        authenticationConfiguration: { accessRoleArn: access.arn },
        imageRepository: {
          imageRepositoryType: 'ECR',
          imageIdentifier: imageIdentifier(props.image.repositoryUrl, props.image.reference),
          imageConfiguration: {
            port: String(props.port),
            runtimeEnvironmentVariables: { ...props.environment },
            runtimeEnvironmentSecrets: Object.fromEntries(Object.entries(props.secrets).map(([key, secret]) => [key, secret.arn])),
          },
        },
      },
      instanceConfiguration: {
        cpu: String(props.cpu * 1024),
        memory: String(props.memoryGb * 1024),
        instanceRoleArn: this.instanceRole.arn,
      },
      healthCheckConfiguration: {
        protocol: 'HTTP',
        path: props.healthCheck.path,
        interval: props.healthCheck.intervalSeconds,
        timeout: props.healthCheck.timeoutSeconds,
        healthyThreshold: props.healthCheck.healthyThreshold,
        unhealthyThreshold: props.healthCheck.unhealthyThreshold,
      },
      autoScalingConfigurationArn: scaling.arn,
      networkConfiguration: {
        egressConfiguration: { egressType: 'VPC', vpcConnectorArn: connector.arn },
        ingressConfiguration: { isPubliclyAccessible: true },
      },
      observabilityConfiguration: { observabilityEnabled: true, observabilityConfigurationArn: tracing.arn },
      encryptionConfiguration: { kmsKey: props.encryptionKey.arn },
    });
    // service_url is a bare host name; the interface promises a URL.
    this.serviceUrl = `https://${this.service.serviceUrl}`;

    const domain = new ApprunnerCustomDomainAssociation(this, 'domain', {
      domainName: props.domainName,
      serviceArn: this.service.arn,
      enableWwwSubdomain: false,
    });
    this.dnsTarget = domain.dnsTarget;
    this.certificateValidationRecords = Fn.jsonencode(Token.asAny(domain.interpolationForAttribute('certificate_validation_records')));

    this.alarms(props, serviceName);
  }

  private alarms(props: ServiceProps, serviceName: string): void {
    const dimensions = { ServiceName: serviceName, ServiceID: this.service.serviceId };
    const basics = alarmBasics(serviceName, props.alarmTopicArn);
    new CloudwatchMetricAlarm(this, 'latency-alarm', {
      ...basics.latency,
      period: 60,
      namespace: 'AWS/AppRunner',
      metricName: 'RequestLatency',
      dimensions,
      extendedStatistic: 'p95',
      threshold: ALARMS.latencyP95Ms,
    });
    const metric = (metricName: string) => ({ namespace: 'AWS/AppRunner', metricName, dimensions, period: 60, stat: 'Sum' });
    new CloudwatchMetricAlarm(this, 'error-rate-alarm', {
      ...basics.errorRate,
      metricQuery: [
        { id: 'errors', metric: metric('5xxStatusResponses'), returnData: false },
        { id: 'requests', metric: metric('Requests'), returnData: false },
        { id: 'rate', expression: 'IF(requests > 0, 100 * errors / requests, 0)', label: '5xx % of requests', returnData: true },
      ],
    });
    new CloudwatchMetricAlarm(this, 'cpu-alarm', { ...basics.cpu, namespace: 'AWS/AppRunner', dimensions });
  }
}
