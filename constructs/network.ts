/**
 * The origin's network: a VPC with a private and a public subnet in each availability zone, NAT
 * gateways in the first `natGateways` public subnets, the default security group stripped of all
 * rules, and flow logs of all traffic to an encrypted log group.
 *
 * Private subnets hold the database and the App Runner VPC connector. Public subnets hold the NAT
 * gateways and, with the ECS Express engine, its internet-facing load balancer, which needs
 * subnets in at least two zones. They exist in every zone whatever the engine, so switching engine
 * changes nothing here.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { EncryptionKey } from './encryption-key';
import { assumedBy } from './iam';
import type { Naming } from './naming';
import { type Problem, throwIfProblems } from './validation';

export interface NetworkProps {
  readonly naming: Naming;
  /** A /16 block, e.g. `10.20.0.0/16`. */
  readonly cidr: string;
  /** Number of availability zones (2 or 3). */
  readonly availabilityZones: number;
  /** Number of NAT gateways, 1 to availabilityZones, in the first public subnets; private subnets share them round-robin. */
  readonly natGateways: number;
  readonly flowLogRetentionDays: number;
  /** Encrypts the flow log group. */
  readonly logKey: EncryptionKey;
}

/** The /20 private and /24 public blocks of zone `index` inside a /16. */
export function subnetBlocks(cidr: string, index: number): { private: string; public: string } {
  const [a, b] = cidr.split('.');
  return { private: `${a}.${b}.${index * 16}.0/20`, public: `${a}.${b}.${240 + index}.0/24` };
}

/** The /16 block the subnet layout (subnetBlocks) is carved from; the configuration's schema uses it too. */
export const VPC_CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.0\.0\/16$/;
export const VPC_CIDR_EXPECTED = 'expected a /16 IPv4 block such as "10.20.0.0/16"';

/**
 * What the layout needs of its props: a /16 (subnetBlocks carves /20 private and /24 public
 * blocks from it, up to 15 zones), zones and NAT gateways as whole numbers, and at least one NAT
 * gateway and no more than the zones, whose first public subnets hold them.
 */
export function networkProblems(props: Pick<NetworkProps, 'cidr' | 'availabilityZones' | 'natGateways'>): Problem[] {
  const problems: Problem[] = [];
  if (!VPC_CIDR_PATTERN.test(props.cidr)) {
    problems.push({ path: ['cidr'], input: props.cidr, message: VPC_CIDR_EXPECTED });
  }
  const zones = props.availabilityZones;
  if (!Number.isInteger(zones) || zones < 1 || zones > 15) {
    problems.push({
      path: ['availabilityZones'],
      input: zones,
      message: 'expected a whole number of zones from 1 to 15 (the /16 holds 15 private /20 blocks)',
    });
  } else if (!Number.isInteger(props.natGateways) || props.natGateways < 1) {
    problems.push({
      path: ['natGateways'],
      input: props.natGateways,
      message: `expected a whole number from 1 to ${zones}: the private subnets reach the internet through them`,
    });
  } else if (props.natGateways > zones) {
    problems.push({
      path: ['natGateways'],
      input: props.natGateways,
      message: `is more than availabilityZones (${zones}); expected 1 to ${zones}`,
    });
  }
  return problems;
}

export class Network extends Construct {
  readonly vpc: Vpc;
  readonly privateSubnets: Subnet[] = [];
  readonly publicSubnets: Subnet[] = [];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    throwIfProblems(this, networkProblems(props));
    const { naming } = props;
    const zones = new DataAwsAvailabilityZones(this, 'zones', { state: 'available' });

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: naming.resource('vpc') },
    });

    // No rules at all: nothing may use the default group by accident.
    new DefaultSecurityGroup(this, 'default-security-group', { vpcId: this.vpc.id, ingress: [], egress: [] });

    const internet = new InternetGateway(this, 'internet-gateway', { vpcId: this.vpc.id });
    const publicRoutes = new RouteTable(this, 'public-routes', {
      vpcId: this.vpc.id,
      route: [{ cidrBlock: '0.0.0.0/0', gatewayId: internet.id }],
      tags: { Name: naming.resource('public') },
    });

    // Zone i's subnet of a tier; nothing in either tier hands out public IPs.
    const subnetIn = (tier: 'public' | 'private', i: number) =>
      new Subnet(this, `${tier}-${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: Fn.element(zones.names, i),
        cidrBlock: subnetBlocks(props.cidr, i)[tier],
        mapPublicIpOnLaunch: false,
        tags: { Name: naming.resource(tier, String(i)), tier },
      });

    // Construct ids are Terraform addresses: public-<i>, nat-<i> keep the ids they had when public
    // subnets existed only for NAT, so adding the other zones' public subnets moves nothing.
    const nats: NatGateway[] = [];
    for (let i = 0; i < props.availabilityZones; i++) {
      const subnet = subnetIn('public', i);
      new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id });
      this.publicSubnets.push(subnet);
      if (i >= props.natGateways) continue;
      const address = new Eip(this, `nat-${i}-address`, { domain: 'vpc', tags: { Name: naming.resource('nat', String(i)) } });
      nats.push(
        new NatGateway(this, `nat-${i}`, {
          subnetId: subnet.id,
          allocationId: address.allocationId,
          tags: { Name: naming.resource('nat', String(i)) },
          dependsOn: [internet],
        }),
      );
    }

    for (let i = 0; i < props.availabilityZones; i++) {
      const subnet = subnetIn('private', i);
      const routes = new RouteTable(this, `private-${i}-routes`, {
        vpcId: this.vpc.id,
        route: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nats[i % nats.length].id }],
        tags: { Name: naming.resource('private', String(i)) },
      });
      new RouteTableAssociation(this, `private-${i}-association`, { subnetId: subnet.id, routeTableId: routes.id });
      this.privateSubnets.push(subnet);
    }

    props.logKey.allowCloudWatchLogs();
    const flowLogs = new CloudwatchLogGroup(this, 'flow-logs', {
      name: `/${naming.project}/${naming.environment}/vpc-flow-logs`,
      retentionInDays: props.flowLogRetentionDays,
      kmsKeyId: props.logKey.arn,
    });
    const role = new IamRole(this, 'flow-logs-role', {
      name: naming.resource('vpc-flow-logs'),
      assumeRolePolicy: assumedBy(this, 'flow-logs-trust', 'vpc-flow-logs.amazonaws.com').json,
    });
    const write = new DataAwsIamPolicyDocument(this, 'flow-logs-write', {
      statement: [
        {
          effect: 'Allow',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [`${flowLogs.arn}:*`],
        },
        {
          // The service looks up its destination group first; without this the flow log stays in
          // "Access error" and delivers nothing. DescribeLogGroups is authorized on log-group:*.
          effect: 'Allow',
          actions: ['logs:DescribeLogGroups'],
          resources: [Fn.replace(flowLogs.arn, '/log-group:.*$/', 'log-group:*')],
        },
      ],
    });
    const policy = new IamRolePolicy(this, 'flow-logs-policy', { role: role.id, name: 'write-flow-logs', policy: write.json });
    new FlowLog(this, 'flow-log', {
      dependsOn: [policy],
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: flowLogs.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    });
  }
}
