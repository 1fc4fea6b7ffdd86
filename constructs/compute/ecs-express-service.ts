/**
 * The ECS Express Mode engine (`aws_ecs_express_gateway_service`): one Fargate service behind the
 * Application Load Balancer Express Mode creates and shares (HTTPS listener, target tracking
 * scaling, canary deployments), with an execution role that pulls only its own image, writes only
 * its own log group and injects only its own secrets, a task role that reads the same secrets at
 * run time, an infrastructure role limited to AWS's managed policy for Express services, an ACM
 * certificate for the custom domain, and the three alarms of docs/requirements.md (Alarms).
 *
 * Where it runs (docs/compute-engines.md): the tasks sit in the private subnets, whose default
 * route is the data stack's NAT, so they reach ECR, Secrets Manager, CloudWatch Logs, BankID and
 * Sentry. Express Mode makes its load balancer internal when its subnets are private (one subnet
 * list serves both; mixing public and private is refused), so an internet-facing Network Load
 * Balancer in the public subnets forwards TCP 443 to that internal load balancer: TLS still ends
 * on the Express listener, with the custom domain's certificate.
 *
 * The load balancer, listener and target groups Express creates are found through Cloud Control
 * (`AWS::ECS::ExpressGatewayService`, read-only `ECSManagedResourceArns`), never by a typed name.
 */
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmMetricQuery } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsCloudcontrolapiResource } from '@cdktf/provider-aws/lib/data-aws-cloudcontrolapi-resource';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { Ec2ManagedPrefixList } from '@cdktf/provider-aws/lib/ec2-managed-prefix-list';
import { EcsExpressGatewayService } from '@cdktf/provider-aws/lib/ecs-express-gateway-service';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Annotations, Fn, TerraformIterator, TerraformOutput, TerraformStack, Token } from 'cdktf';
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
 * before the 80 % CPU alarm (docs/requirements.md, Alarms), which then means "scaling is not keeping up" (or max reached).
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

/** The Express endpoint's host name, without scheme, port or path (Terraform regex, RE2). */
export const ENDPOINT_HOST_PATTERN = '^(?:[a-z]+://)?([^/:]+)';

/**
 * The hashicorp/aws version ECS Express environments run with. 6.25.0 (the one the generated
 * bindings describe) fails every apply that sets `network_configuration` with "Provider produced
 * inconsistent result after apply": Express adds its own security group to the set
 * (hashicorp/terraform-provider-aws #47437, #47908; fixed by #47944, June 2026). The resource's
 * schema is unchanged for the arguments used here, so the 6.25 bindings still describe it.
 */
export const ECS_EXPRESS_AWS_PROVIDER_VERSION = '6.60.0';

/** The Cloud Control type whose read-only `ECSManagedResourceArns` lists what Express created. */
export const EXPRESS_CLOUD_CONTROL_TYPE = 'AWS::ECS::ExpressGatewayService';

/** The port of the Express-managed HTTPS listener, which the Network Load Balancer forwards to. */
export const EXPRESS_LISTENER_PORT = 443;

/**
 * The environment variable that carries the scaling target into the task definition. The provider
 * leaves `scaling_target` out of the change it compares before calling UpdateExpressGatewayService
 * (`fwflex.WithIgnoredField("scaling_target")`): a plan that changes only the scaling target is
 * written to state but never sent. Changing this variable with it makes the provider send the
 * whole configuration, scaling target included (at the cost of one deployment).
 */
export const SCALING_VARIABLE = 'DROP_SCALING_TARGET';

/**
 * Cloudflare's IPv4 ranges (https://www.cloudflare.com/ips-v4; the list changes rarely): the only
 * sources the internet-facing Network Load Balancer admits, as a managed prefix list.
 */
export const CLOUDFLARE_IPV4_RANGES = [
  '173.245.48.0/20', '103.21.244.0/22', '103.22.200.0/22', '103.31.4.0/22', '141.101.64.0/18',
  '108.162.192.0/18', '190.93.240.0/20', '188.114.96.0/20', '197.234.240.0/22', '198.41.128.0/17',
  '162.158.0.0/15', '104.16.0.0/13', '104.24.0.0/14', '172.64.0.0/13', '131.0.72.0/22',
] as const;

export interface EcsExpressServiceProps extends ServiceProps {
  /**
   * Public subnets (one per availability zone, at least two): the internet-facing Network Load
   * Balancer in front of the Express-managed (internal) load balancer lives there.
   */
  readonly publicSubnetIds: string[];
}

export class EcsExpressService extends Construct implements ComputeService {
  readonly service: EcsExpressGatewayService;
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;
  readonly certificate: AcmCertificate;
  /** What Express created for this service (load balancer, listener, target groups), read after it exists. */
  readonly managed: DataAwsCloudcontrolapiResource;
  readonly ingress: Lb;
  readonly dnsTarget: string;
  readonly certificateValidationRecords: string;
  readonly serviceUrl: string;

  constructor(scope: Construct, id: string, props: EcsExpressServiceProps) {
    super(scope, id);
    const { naming, name } = props;
    const serviceName = naming.resource(name);
    TerraformStack.of(this).addOverride('terraform.required_providers.aws.version', ECS_EXPRESS_AWS_PROVIDER_VERSION);

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
    const managedPolicy = new IamRolePolicyAttachment(this, 'infrastructure-policy', {
      role: infrastructure.name,
      policyArn: EXPRESS_INFRASTRUCTURE_POLICY,
    });

    // The custom domain's certificate, validated by the records the edge stack creates. Attaching
    // it to the Express listener and routing its Host header is `npm run ecs-domains` (after the
    // edge stack, once the certificate is issued): see docs/compute-engines.md.
    this.certificate = new AcmCertificate(this, 'certificate', {
      domainName: props.domainName,
      validationMethod: 'DNS',
      lifecycle: { createBeforeDestroy: true },
    });
    const records = TerraformIterator.fromList(this.certificate.domainValidationOptions);
    this.certificateValidationRecords = Fn.jsonencode(
      records.forExpressionForList('{ name = val.resource_record_name, type = val.resource_record_type, value = val.resource_record_value }'),
    );

    const scaling = {
      minTaskCount: props.scaling.minInstances,
      maxTaskCount: props.scaling.maxInstances,
      autoScalingMetric: ECS_EXPRESS_SCALING.metric,
      autoScalingTargetValue: ECS_EXPRESS_SCALING.targetPercent,
    };
    const environment: Record<string, string> = {
      ...props.environment,
      [SCALING_VARIABLE]: `${scaling.minTaskCount}-${scaling.maxTaskCount}-${scaling.autoScalingMetric}-${scaling.autoScalingTargetValue}`,
    };

    this.service = new EcsExpressGatewayService(this, 'service', {
      serviceName,
      cluster: ECS_EXPRESS_CLUSTER,
      executionRoleArn: this.executionRole.arn,
      infrastructureRoleArn: infrastructure.arn,
      taskRoleArn: this.taskRole.arn,
      cpu: String(props.cpu * 1024),
      memory: String(props.memoryGb * 1024),
      healthCheckPath: props.healthCheck.path,
      // Private subnets (NAT egress); the data stack's compute group is the only one the database admits.
      networkConfiguration: [{ subnets: props.egress.subnetIds, securityGroups: props.egress.securityGroupIds }],
      primaryContainer: [{
        image: imageIdentifier(props.image.repositoryUrl, props.image.reference),
        containerPort: props.port,
        // Sorted by name, the order ECS returns them in (hashicorp/terraform-provider-aws #45792).
        environment: sortedByName(Object.entries(environment).map(([key, value]) => ({ name: key, value }))),
        secret: sortedByName(Object.entries(props.secrets).map(([key, secret]) => ({ name: key, valueFrom: secret.arn }))),
        awsLogsConfiguration: [{ logGroup: logs.name, logStreamPrefix: name }],
      }],
      scalingTarget: [scaling],
      // A deploy returns once the canary deployment has finished (or failed and rolled back).
      waitForSteadyState: true,
      // The infrastructure role needs its policy while ECS creates and deletes the load balancer.
      dependsOn: [managedPolicy],
    });

    // The Express endpoint `<name>.ecs.<region>.on.aws` (internal: it resolves inside the VPC).
    const endpoints = TerraformIterator.fromList(this.service.ingressPaths).forExpressionForList('val.endpoint');
    this.serviceUrl = `https://${Fn.element(Fn.regex(ENDPOINT_HOST_PATTERN, Fn.element(Token.asList(endpoints), 0)), 0)}`;

    this.managed = new DataAwsCloudcontrolapiResource(this, 'managed-resources', {
      typeName: EXPRESS_CLOUD_CONTROL_TYPE,
      identifier: this.service.serviceArn,
    });
    const ingressPath = (key: string) =>
      Fn.lookupNested(Fn.jsondecode(this.managed.properties), ['ECSManagedResourceArns', 'IngressPath', key]);
    const loadBalancerArn = Token.asString(ingressPath('LoadBalancerArn'));
    const targetGroupArns = Token.asList(ingressPath('TargetGroupArns'));
    const loadBalancerGroup = Fn.element(Token.asList(ingressPath('LoadBalancerSecurityGroups')), 0);

    this.ingress = this.publicIngress(props, serviceName, loadBalancerArn, Token.asString(Fn.regex('sg-[0-9a-f]+', loadBalancerGroup)));
    this.dnsTarget = this.ingress.dnsName;

    const output = (key: string, value: string, description: string) =>
      new TerraformOutput(this, key, { value, description }).overrideLogicalId(`${name}-${key}`);
    output('certificate-arn', this.certificate.arn, `ACM certificate of ${props.domainName} (npm run ecs-domains attaches it to the Express listener)`);
    output('service-arn', this.service.serviceArn, 'The Express service (npm run ecs-domains, rollback and release read it)');

    this.alarms(props, serviceName, loadBalancerArn, targetGroupArns);

    const h = props.healthCheck;
    Annotations.of(this).addWarning(
      `ECS Express cannot honour everything App Runner does for ${serviceName}: ` +
        `(1) only the health check path ${h.path} is used: interval ${h.intervalSeconds} s, timeout ${h.timeoutSeconds} s and ` +
        'thresholds are Express Mode defaults (the Express API has no health check timings); ' +
        `(2) scaling is target tracking on average CPU at ${ECS_EXPRESS_SCALING.targetPercent} %, not ${props.scaling.concurrency} concurrent requests ` +
        '(Express scales on CPU, memory or requests per target, not on concurrency).',
    );
  }

  /**
   * The internet-facing entry: a Network Load Balancer in the public subnets whose one target is
   * the Express-managed internal Application Load Balancer (target type `alb`), TCP 443 passed
   * through, so TLS and Host routing stay on the Express listener.
   */
  private publicIngress(props: EcsExpressServiceProps, serviceName: string, loadBalancerArn: string, loadBalancerGroupId: string): Lb {
    const vpcId = new DataAwsSubnet(this, 'public-subnet', { id: Fn.element(props.publicSubnetIds, 0) }).vpcId;
    const group = new SecurityGroup(this, 'ingress-security-group', {
      name: props.naming.resource(props.name, 'ingress'),
      description: `Internet-facing entry of ${serviceName}: HTTPS in from Cloudflare, out to the Express load balancer`,
      vpcId,
    });
    // Only Cloudflare reaches the origin (the services also refuse requests without the edge's X-Origin-Verify).
    const cloudflare = new Ec2ManagedPrefixList(this, 'cloudflare-ranges', {
      name: props.naming.resource(props.name, 'cloudflare'),
      addressFamily: 'IPv4',
      // Room for Cloudflare to add ranges; a reference counts max_entries rules against the group's quota.
      maxEntries: 20,
      entry: CLOUDFLARE_IPV4_RANGES.map((cidr) => ({ cidr, description: 'Cloudflare' })),
    });
    new VpcSecurityGroupIngressRule(this, 'ingress-from-cloudflare', {
      securityGroupId: group.id,
      description: 'HTTPS from Cloudflare',
      ipProtocol: 'tcp',
      fromPort: EXPRESS_LISTENER_PORT,
      toPort: EXPRESS_LISTENER_PORT,
      prefixListId: cloudflare.id,
    });
    new VpcSecurityGroupEgressRule(this, 'ingress-to-express', {
      securityGroupId: group.id,
      description: 'HTTPS to the Express load balancer',
      ipProtocol: 'tcp',
      fromPort: EXPRESS_LISTENER_PORT,
      toPort: EXPRESS_LISTENER_PORT,
      referencedSecurityGroupId: loadBalancerGroupId,
    });
    // Express creates the load balancer's group with the ingress it needs for itself; this admits
    // the Network Load Balancer explicitly (Express keeps changes made outside it).
    new VpcSecurityGroupIngressRule(this, 'express-from-ingress', {
      securityGroupId: loadBalancerGroupId,
      description: `HTTPS from the ${serviceName} Network Load Balancer`,
      ipProtocol: 'tcp',
      fromPort: EXPRESS_LISTENER_PORT,
      toPort: EXPRESS_LISTENER_PORT,
      referencedSecurityGroupId: group.id,
    });

    const nlb = new Lb(this, 'ingress', {
      name: serviceName,
      loadBalancerType: 'network',
      internal: false,
      subnets: props.publicSubnetIds,
      securityGroups: [group.id],
      enableCrossZoneLoadBalancing: true,
    });
    const target = new LbTargetGroup(this, 'ingress-target', {
      name: serviceName,
      targetType: 'alb',
      protocol: 'TCP',
      port: EXPRESS_LISTENER_PORT,
      vpcId,
      // The load balancer answers (any status below 500): service health is Express's own check.
      healthCheck: { protocol: 'HTTPS', path: '/', matcher: '200-499' },
    });
    new LbTargetGroupAttachment(this, 'ingress-target-express', {
      targetGroupArn: target.arn,
      targetId: loadBalancerArn,
      port: EXPRESS_LISTENER_PORT,
    });
    new LbListener(this, 'ingress-listener', {
      loadBalancerArn: nlb.arn,
      port: EXPRESS_LISTENER_PORT,
      protocol: 'TCP',
      defaultAction: [{ type: 'forward', targetGroupArn: target.arn }],
    });
    return nlb;
  }

  /**
   * The alarms (docs/requirements.md, Alarms) on the service's own traffic: its target groups on the shared Express load
   * balancer (two of them, as canary deployments move traffic from one to the other, so each
   * alarm reads both) and its ECS service's CPU.
   */
  private alarms(props: ServiceProps, serviceName: string, loadBalancerArn: string, targetGroupArns: string[]): void {
    const common = { alarmActions: [props.alarmTopicArn], okActions: [props.alarmTopicArn] };
    // regex with no capture group returns the match itself.
    const loadBalancer = Fn.regex('app/.+$', loadBalancerArn);
    const targetGroup = (index: number) => Token.asString(Fn.regex('targetgroup/.+$', Fn.element(targetGroupArns, index)));
    const perTargetGroup = (prefix: string, metricName: string, stat: string): CloudwatchMetricAlarmMetricQuery[] =>
      [0, 1].map((index) => ({
        id: `${prefix}${index}`,
        returnData: false,
        metric: {
          namespace: 'AWS/ApplicationELB',
          metricName,
          dimensions: { LoadBalancer: Token.asString(loadBalancer), TargetGroup: targetGroup(index) },
          period: 60,
          stat,
        },
      }));

    new CloudwatchMetricAlarm(this, 'latency-alarm', {
      ...common,
      alarmName: `${serviceName}-latency-p95`,
      alarmDescription: `p95 latency above ${ALARMS.latencyP95Ms} ms for ${ALARMS.latencyMinutes} minutes`,
      comparisonOperator: 'GreaterThanThreshold',
      // TargetResponseTime is in seconds.
      threshold: ALARMS.latencyP95Ms / 1000,
      evaluationPeriods: ALARMS.latencyMinutes,
      treatMissingData: 'notBreaching',
      metricQuery: [
        ...perTargetGroup('latency', 'TargetResponseTime', 'p95'),
        { id: 'p95', expression: 'MAX([latency0, latency1])', label: 'p95 target response time (s)', returnData: true },
      ],
    });
    new CloudwatchMetricAlarm(this, 'error-rate-alarm', {
      ...common,
      alarmName: `${serviceName}-5xx-rate`,
      alarmDescription: `5xx responses above ${ALARMS.errorRatePercent} % of requests for ${ALARMS.errorRateMinutes} minutes`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: ALARMS.errorRatePercent,
      evaluationPeriods: ALARMS.errorRateMinutes,
      treatMissingData: 'notBreaching',
      metricQuery: [
        ...perTargetGroup('errors', 'HTTPCode_Target_5XX_Count', 'Sum'),
        ...perTargetGroup('requests', 'RequestCount', 'Sum'),
        {
          id: 'rate',
          expression:
            'IF(FILL(requests0, 0) + FILL(requests1, 0) > 0, 100 * (FILL(errors0, 0) + FILL(errors1, 0)) / (FILL(requests0, 0) + FILL(requests1, 0)), 0)',
          label: '5xx % of requests',
          returnData: true,
        },
      ],
    });
    new CloudwatchMetricAlarm(this, 'cpu-alarm', {
      ...common,
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
  }
}

function sortedByName<T extends { name: string }>(entries: T[]): T[] {
  return [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
