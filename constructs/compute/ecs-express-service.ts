/**
 * The ECS Express Mode engine (`aws_ecs_express_gateway_service`): one Fargate service behind the
 * Application Load Balancer Express Mode creates and shares (HTTPS listener, target tracking
 * scaling, canary deployments), with an execution role that pulls only its own image, writes only
 * its own log group and injects only its own secrets, a task role that reads the same secrets at
 * run time, an infrastructure role limited to AWS's managed policy for Express services, an ACM
 * certificate for the custom domain, and the spec's CPU alarm.
 *
 * What Express Mode does not let Terraform do is said at synth (warnings) and in the README
 * ("Compute engines"): the custom domain's certificate and Host routing on the Express-managed
 * listener, the health check timings, and the load-balancer alarms (latency, 5xx rate).
 */
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EcsExpressGatewayService } from '@cdktf/provider-aws/lib/ecs-express-gateway-service';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Annotations, Fn, TerraformIterator, TerraformOutput, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { ServiceKeyGrant } from '../encryption-key';
import type { Naming } from '../naming';
import { ALARMS } from './alarms';
import { assumedBy } from '../iam';
import { type ComputeService, type ServiceProps, grantSecretReads, imageIdentifier, pullImageStatements, secretReadStatements } from './service';

/** The managed policy AWS provides for the infrastructure role of Express services. */
export const EXPRESS_INFRASTRUCTURE_POLICY =
  'arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices';

/**
 * Target tracking on average CPU at 60 % (the Express Mode default target): scale-out starts well
 * before the spec's 80 % CPU alarm, which then means "scaling is not keeping up" (or max reached).
 */
export const ECS_EXPRESS_SCALING = { metric: 'AVERAGE_CPU', targetPercent: 60 } as const;

/** Days the service's container logs are kept. */
export const ECS_EXPRESS_LOG_RETENTION_DAYS = 365;

/** Express services run in the account's `default` cluster (Express Mode creates it with Fargate). */
export const ECS_EXPRESS_CLUSTER = 'default';

/** The log group of a service: `/<project>/<env>/<service>`. */
export function ecsExpressLogGroupName(naming: Naming, service: string): string {
  return `/${naming.project}/${naming.environment}/${service}`;
}

/**
 * What the compute key (`ServiceProps.encryptionKeyArn`) must allow for this engine: CloudWatch
 * Logs may use it for this environment's log groups only, which the engine encrypts with it.
 */
export function ecsExpressKeyGrants(naming: Naming, region: string, accountId: string): ServiceKeyGrant[] {
  return [{
    service: `logs.${region}.amazonaws.com`,
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    conditions: [{
      test: 'ArnLike',
      variable: 'kms:EncryptionContext:aws:logs:arn',
      values: [`arn:aws:logs:${region}:${accountId}:log-group:/${naming.project}/${naming.environment}/*`],
    }],
  }];
}

/** The public endpoint's host name, without scheme, port or path (Terraform regex, RE2). */
export const ENDPOINT_HOST_PATTERN = '^(?:[a-z]+://)?([^/:]+)';

export interface EcsExpressServiceProps extends ServiceProps {
  /**
   * Public subnets (one per availability zone, at least two): Express Mode makes its load
   * balancer internet-facing only in public subnets, and Cloudflare must reach it.
   */
  readonly publicSubnetIds: string[];
}

export class EcsExpressService extends Construct implements ComputeService {
  readonly service: EcsExpressGatewayService;
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;
  readonly certificate: AcmCertificate;
  readonly dnsTarget: string;
  readonly certificateValidationRecords: string;
  readonly serviceUrl: string;

  constructor(scope: Construct, id: string, props: EcsExpressServiceProps) {
    super(scope, id);
    const { naming, name } = props;
    const serviceName = naming.resource(name);

    const logs = new CloudwatchLogGroup(this, 'logs', {
      name: ecsExpressLogGroupName(naming, name),
      retentionInDays: ECS_EXPRESS_LOG_RETENTION_DAYS,
      // The compute key, whose policy lets CloudWatch Logs use it (ecsExpressKeyGrants).
      kmsKeyId: props.encryptionKeyArn,
    });

    // Starts the task: pulls the image, writes the logs, injects the secrets.
    this.executionRole = new IamRole(this, 'execution-role', {
      name: naming.resource(name, 'execution'),
      assumeRolePolicy: assumedBy(this, 'execution-trust', 'ecs-tasks.amazonaws.com').json,
    });
    const start = new DataAwsIamPolicyDocument(this, 'execution', {
      statement: [
        ...pullImageStatements(props.image.repositoryArn),
        { sid: 'WriteOwnLogs', effect: 'Allow', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logs.arn}:*`] },
        ...secretReadStatements(props.secrets, props.region),
      ],
    });
    new IamRolePolicy(this, 'execution-policy', { role: this.executionRole.id, name: 'start-task', policy: start.json });

    // What the running container may do: read its own secrets again (the api re-reads the
    // database secret after a rotation), as App Runner's instance role may.
    this.taskRole = new IamRole(this, 'task-role', {
      name: naming.resource(name, 'task'),
      assumeRolePolicy: assumedBy(this, 'task-trust', 'ecs-tasks.amazonaws.com').json,
    });
    grantSecretReads(this, this.taskRole, 'task-policy', props);

    // Lets ECS create and manage the load balancer, security groups, certificate and scaling.
    const infrastructure = new IamRole(this, 'infrastructure-role', {
      name: naming.resource(name, 'infrastructure'),
      assumeRolePolicy: assumedBy(this, 'infrastructure-trust', 'ecs.amazonaws.com').json,
    });
    const managed = new IamRolePolicyAttachment(this, 'infrastructure-policy', {
      role: infrastructure.name,
      policyArn: EXPRESS_INFRASTRUCTURE_POLICY,
    });

    // The custom domain's certificate, validated by the records the edge stack creates. See the
    // class comment: attaching it to the Express-managed listener is not done here.
    this.certificate = new AcmCertificate(this, 'certificate', {
      domainName: props.domainName,
      validationMethod: 'DNS',
      lifecycle: { createBeforeDestroy: true },
    });
    const records = TerraformIterator.fromList(this.certificate.domainValidationOptions);
    this.certificateValidationRecords = Fn.jsonencode(
      records.forExpressionForList('{ name = val.resource_record_name, type = val.resource_record_type, value = val.resource_record_value }'),
    );

    this.service = new EcsExpressGatewayService(this, 'service', {
      serviceName,
      cluster: ECS_EXPRESS_CLUSTER,
      executionRoleArn: this.executionRole.arn,
      infrastructureRoleArn: infrastructure.arn,
      taskRoleArn: this.taskRole.arn,
      cpu: String(props.cpu * 1024),
      memory: String(props.memoryGb * 1024),
      healthCheckPath: props.healthCheck.path,
      networkConfiguration: [{ subnets: props.publicSubnetIds, securityGroups: props.egress.securityGroupIds }],
      primaryContainer: [{
        image: imageIdentifier(props.image.repositoryUrl, props.image.reference),
        containerPort: props.port,
        environment: Object.entries(props.environment).map(([key, value]) => ({ name: key, value })),
        secret: Object.entries(props.secrets).map(([key, secret]) => ({ name: key, valueFrom: secret.arn })),
        awsLogsConfiguration: [{ logGroup: logs.name, logStreamPrefix: name }],
      }],
      scalingTarget: [{
        minTaskCount: props.scaling.minInstances,
        maxTaskCount: props.scaling.maxInstances,
        autoScalingMetric: ECS_EXPRESS_SCALING.metric,
        autoScalingTargetValue: ECS_EXPRESS_SCALING.targetPercent,
      }],
      // A deploy returns once the canary deployment has finished (or failed and rolled back).
      waitForSteadyState: true,
      // The infrastructure role needs its policy while ECS creates and deletes the load balancer.
      dependsOn: [managed],
    });

    // The public endpoint `<name>.ecs.<region>.on.aws` as a bare hostname (no scheme, no path).
    const endpoints = TerraformIterator.fromList(this.service.ingressPaths).forExpressionForList('val.endpoint if val.access_type == "PUBLIC"');
    this.dnsTarget = Fn.element(Fn.regex(ENDPOINT_HOST_PATTERN, Fn.element(Token.asList(endpoints), 0)), 0);
    this.serviceUrl = `https://${this.dnsTarget}`;

    // What the custom-domain step of the README needs (ids fixed: they are the CLI's output names).
    const output = (key: string, value: string, description: string) =>
      new TerraformOutput(this, key, { value, description }).overrideLogicalId(`${name}-${key}`);
    output('certificate-arn', this.certificate.arn, `ACM certificate of ${props.domainName}, to attach to the Express-managed HTTPS listener`);
    output('service-revision-arn', this.service.serviceRevisionArn, 'aws ecs describe-service-revisions lists the managed load balancer, listener and rule of this revision');

    new CloudwatchMetricAlarm(this, 'cpu-alarm', {
      alarmActions: [props.alarmTopicArn],
      okActions: [props.alarmTopicArn],
      alarmName: `${serviceName}-cpu`,
      alarmDescription: `CPU above ${ALARMS.cpuPercent} % for ${ALARMS.cpuMinutes} minutes`,
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      dimensions: { ClusterName: ECS_EXPRESS_CLUSTER, ServiceName: serviceName },
      statistic: 'Average',
      period: 60,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: ALARMS.cpuPercent,
      evaluationPeriods: ALARMS.cpuMinutes,
      treatMissingData: 'missing',
    });

    const h = props.healthCheck;
    Annotations.of(this).addWarning(
      `ECS Express cannot honour everything App Runner does for ${serviceName}: ` +
        `(1) ${props.domainName} gets an ACM certificate (validated by the edge's records), but attaching it to the ` +
        'Express-managed HTTPS listener and routing its Host header to the service is a manual step after the first deploy ' +
        '(README, "Compute engines"); until then Cloudflare cannot reach the origin under that name; ' +
        `(2) only the health check path ${h.path} is used: interval ${h.intervalSeconds} s, timeout ${h.timeoutSeconds} s and ` +
        'thresholds are Express Mode defaults; ' +
        `(3) no p95 latency or 5xx-rate alarm: the provider does not export the load balancer and target groups Express Mode creates (its own deployment alarm rolls back bad deployments); ` +
        `(4) scaling is target tracking on average CPU at ${ECS_EXPRESS_SCALING.targetPercent} %, not ${props.scaling.concurrency} concurrent requests.`,
    );
  }
}
