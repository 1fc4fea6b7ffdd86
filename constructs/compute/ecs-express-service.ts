/**
 * The ECS Express Mode engine (`aws_ecs_express_gateway_service`): one Fargate service behind the
 * Application Load Balancer Express Mode creates and shares (HTTPS listener, target tracking
 * scaling, canary deployments), with an execution role that pulls only its own image, writes only
 * its own log group and injects only its own secrets, a task role that reads the same secrets at
 * run time, an infrastructure role limited to AWS's managed policy for Express services, the three
 * alarms of docs/requirements.md (Alarms) and the ones that page on a total outage. The custom
 * domain's certificate, its listener certificate and Host routing are the edge stack's
 * (`EcsExpressDomain`, after the edge has created the validation records).
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
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCloudcontrolapiResource } from '@cdktf/provider-aws/lib/data-aws-cloudcontrolapi-resource';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EcsExpressGatewayService } from '@cdktf/provider-aws/lib/ecs-express-gateway-service';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { Annotations, Fn, TerraformIterator, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { Naming } from '../naming';
import { ForgottenResource } from '../forgotten-resource';
import { throwIfProblems } from '../validation';
import { expressAlarms } from './ecs-express-alarms';
import { ECS_EXPRESS_CLUSTER, ecsExpressProblems } from './engines';
import { expressPublicIngress } from './ecs-express-ingress';
import { assumedBy } from '../iam';
import {
  type ComputeService,
  type ServiceProps,
  grantSecretReads,
  imageIdentifier,
  pullOwnImageStatements,
  secretReadStatements,
} from './service';

/** The managed policy AWS provides for the infrastructure role of Express services. */
export const EXPRESS_INFRASTRUCTURE_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices';

/**
 * Target tracking on average CPU at 60 % (the Express Mode default target): scale-out starts well
 * before the 80 % CPU alarm (docs/requirements.md, Alarms), which then means "scaling is not keeping up" (or max reached).
 */
export const ECS_EXPRESS_SCALING = { metric: 'AVERAGE_CPU', targetPercent: 60 } as const;

/** Days the service's container logs are kept. */
export const ECS_EXPRESS_LOG_RETENTION_DAYS = 365;

/** The log group of a service: `/<project>/<env>/<service>`. */
export function ecsExpressLogGroupName(naming: Naming, service: string): string {
  return `/${naming.project}/${naming.environment}/${service}`;
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

/**
 * The environment variable that carries the scaling target into the task definition. The provider
 * leaves `scaling_target` out of the change it compares before calling UpdateExpressGatewayService
 * (`fwflex.WithIgnoredField("scaling_target")`): a plan that changes only the scaling target is
 * written to state but never sent. Changing this variable with it makes the provider send the
 * whole configuration, scaling target included (at the cost of one deployment).
 */
export const SCALING_VARIABLE = 'DROP_SCALING_TARGET';

export { CLOUDFLARE_IPV4_RANGES, EXPRESS_LISTENER_PORT } from './ecs-express-ingress';

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
  /** What Express created for this service (load balancer, listener, target groups), read after it exists. */
  readonly managed: DataAwsCloudcontrolapiResource;
  readonly ingress: Lb;
  readonly dnsTarget: string;
  readonly certificateValidationRecords: string;
  readonly serviceUrl: string;

  constructor(scope: Construct, id: string, props: EcsExpressServiceProps) {
    super(scope, id);
    throwIfProblems(this, ecsExpressProblems(props));
    const { naming, name } = props;
    const serviceName = naming.resource(name);
    TerraformStack.of(this).addOverride('terraform.required_providers.aws.version', ECS_EXPRESS_AWS_PROVIDER_VERSION);

    // The compute key: CloudWatch Logs may use it for this environment's log groups only.
    props.encryptionKey.allowCloudWatchLogs(`/${naming.project}/${naming.environment}/*`);
    const logs = new CloudwatchLogGroup(this, 'logs', {
      name: ecsExpressLogGroupName(naming, name),
      retentionInDays: ECS_EXPRESS_LOG_RETENTION_DAYS,
      kmsKeyId: props.encryptionKey.arn,
    });

    // Starts the task: pulls the image, writes the logs, injects the secrets.
    this.executionRole = new IamRole(this, 'execution-role', {
      name: naming.resource(name, 'execution'),
      assumeRolePolicy: assumedBy(this, 'execution-trust', 'ecs-tasks.amazonaws.com').json,
    });
    const start = new DataAwsIamPolicyDocument(this, 'execution', {
      statement: [
        ...pullOwnImageStatements(props.image.repositoryArn),
        { sid: 'WriteOwnLogs', effect: 'Allow', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logs.arn}:*`] },
        ...secretReadStatements(props.secrets, props.region),
      ],
    });
    const executionPolicy = new IamRolePolicy(this, 'execution-policy', {
      role: this.executionRole.id,
      name: 'start-task',
      policy: start.json,
    });

    // What the running container may do, as App Runner's instance role may: read its own secrets,
    // and (the api) sign IAM tokens to connect to the database as its runtime user.
    this.taskRole = new IamRole(this, 'task-role', {
      name: naming.resource(name, 'task'),
      assumeRolePolicy: assumedBy(this, 'task-trust', 'ecs-tasks.amazonaws.com').json,
    });
    const taskPolicy = grantSecretReads(this, this.taskRole, 'task-policy', props);

    // Lets ECS create and manage the load balancer, security groups, certificate and scaling.
    const infrastructure = new IamRole(this, 'infrastructure-role', {
      name: naming.resource(name, 'infrastructure'),
      assumeRolePolicy: assumedBy(this, 'infrastructure-trust', 'ecs.amazonaws.com').json,
    });
    const managedPolicy = new IamRolePolicyAttachment(this, 'infrastructure-policy', {
      role: infrastructure.name,
      policyArn: EXPRESS_INFRASTRUCTURE_POLICY,
    });

    // The custom domain's certificate is the edge stack's (EcsExpressDomain): it is attached to the
    // listener once the edge has created its validation records, in the same stack, so a replacement
    // attaches the new one before it deletes the old. Nothing to validate here.
    this.certificateValidationRecords = Fn.jsonencode([]);

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
      primaryContainer: [
        {
          image: imageIdentifier(props.image.repositoryUrl, props.image.reference),
          containerPort: props.port,
          // Sorted by name, the order ECS returns them in (hashicorp/terraform-provider-aws #45792).
          environment: sortedByName(Object.entries(environment).map(([key, value]) => ({ name: key, value }))),
          secret: sortedByName(Object.entries(props.secrets).map(([key, secret]) => ({ name: key, valueFrom: secret.arn }))),
          awsLogsConfiguration: [{ logGroup: logs.name, logStreamPrefix: name }],
        },
      ],
      scalingTarget: [scaling],
      // A deploy returns once the canary deployment has finished (or failed and rolled back).
      waitForSteadyState: true,
      // The infrastructure role needs its policy while ECS creates and deletes the load balancer; the
      // first tasks need theirs to pull the image, write logs and read the secrets.
      dependsOn: [managedPolicy, executionPolicy, ...(taskPolicy ? [taskPolicy] : [])],
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

    this.ingress = expressPublicIngress(
      this,
      props,
      serviceName,
      loadBalancerArn,
      Token.asString(Fn.regex('sg-[0-9a-f]+', loadBalancerGroup)),
    );
    this.dnsTarget = this.ingress.dnsName;

    const output = (key: string, value: string, description: string) =>
      new TerraformOutput(this, key, { value, description }).overrideLogicalId(`${name}-${key}`);
    output('service-arn', this.service.serviceArn, 'The Express service (npm run ecs-domains, rollback and release read it)');

    expressAlarms(this, props, serviceName, ECS_EXPRESS_CLUSTER, loadBalancerArn, targetGroupArns);
    // The certificate this construct created before the edge stack owned the custom domain: left
    // out of state, not deleted, since the listener still holds it (attached by the former
    // `npm run ecs-domains`) and the edge attaches its own (docs/compute-engines.md, "4. Custom domains").
    new ForgottenResource(this, 'certificate', 'aws_acm_certificate');

    const h = props.healthCheck;
    Annotations.of(this).addWarning(
      `ECS Express cannot honour everything App Runner does for ${serviceName}: ` +
        `(1) only the health check path ${h.path} is used: interval ${h.intervalSeconds} s, timeout ${h.timeoutSeconds} s and ` +
        'thresholds are Express Mode defaults (the Express API has no health check timings); ' +
        `(2) scaling is target tracking on average CPU at ${ECS_EXPRESS_SCALING.targetPercent} %, not ${props.scaling.concurrency} concurrent requests ` +
        '(Express scales on CPU, memory or requests per target, not on concurrency).',
    );
  }
}

function sortedByName<T extends { name: string }>(entries: T[]): T[] {
  return [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
