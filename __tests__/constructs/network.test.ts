import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { EncryptionKey } from '../../constructs/encryption-key';
import { Naming } from '../../constructs/naming';
import { Network, type NetworkProps, networkProblems, subnetBlocks } from '../../constructs/network';
import { testApp } from '../helpers';

/** GIVEN a stack holding only a network (and the key of its flow logs), WHEN synthesized. */
function networkInStack(props: Partial<NetworkProps> = {}) {
  const stack = new TerraformStack(testApp(), 'test');
  const naming = new Naming({ project: 'drop', name: 'staging' });
  const account = new DataAwsCallerIdentity(stack, 'account');
  const logKey = new EncryptionKey(stack, 'logs-key', { naming, account, region: 'eu-west-1', purpose: 'logs', description: 'test' });
  new Network(stack, 'network', {
    naming,
    cidr: '10.20.0.0/16',
    availabilityZones: 3,
    natGateways: 2,
    flowLogRetentionDays: 90,
    logKey,
    ...props,
  });
  const json = Testing.synth(stack);
  return { json, parsed: JSON.parse(json) };
}

const byTier = (parsed: any, tier: string) => Object.entries<any>(parsed.resource.aws_subnet).filter(([, s]) => s.tags.tier === tier);

describe('Network', () => {
  const { json, parsed } = networkInStack();

  it('is a VPC of the given block with DNS', () => {
    expect(json).toHaveResourceWithProperties(Vpc, {
      cidr_block: '10.20.0.0/16',
      enable_dns_hostnames: true,
      enable_dns_support: true,
      tags: { Name: 'drop-staging-vpc' },
    });
  });

  it('has a /20 private and a /24 public subnet in each zone, in the available zones, none handing out public IPs', () => {
    expect(json).toHaveDataSourceWithProperties(DataAwsAvailabilityZones, { state: 'available' });
    const zones = [0, 1, 2].map((i) => `\${element(data.aws_availability_zones.network_zones_2241F3F0.names, ${i})}`);
    expect(byTier(parsed, 'private').map(([, s]) => [s.cidr_block, s.availability_zone])).toEqual([
      ['10.20.0.0/20', zones[0]],
      ['10.20.16.0/20', zones[1]],
      ['10.20.32.0/20', zones[2]],
    ]);
    expect(byTier(parsed, 'public').map(([, s]) => [s.cidr_block, s.availability_zone])).toEqual([
      ['10.20.240.0/24', zones[0]],
      ['10.20.241.0/24', zones[1]],
      ['10.20.242.0/24', zones[2]],
    ]);
    expect(Object.values<any>(parsed.resource.aws_subnet).every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  it('routes every public subnet to the internet gateway', () => {
    const [publicRoutes] = Object.keys(parsed.resource.aws_route_table).filter((id) => id.startsWith('network_public-routes'));
    const [gateway] = Object.keys(parsed.resource.aws_internet_gateway);
    expect(parsed.resource.aws_route_table[publicRoutes].route).toEqual([
      expect.objectContaining({ cidr_block: '0.0.0.0/0', gateway_id: `\${aws_internet_gateway.${gateway}.id}` }),
    ]);
    const associated = Object.values<any>(parsed.resource.aws_route_table_association)
      .filter((a) => a.route_table_id === `\${aws_route_table.${publicRoutes}.id}`)
      .map((a) => a.subnet_id);
    expect(associated).toEqual(byTier(parsed, 'public').map(([id]) => `\${aws_subnet.${id}.id}`));
  });

  it('puts the NAT gateways in the first public subnets, and routes each private subnet to one of them in turn', () => {
    const nats = Object.entries<any>(parsed.resource.aws_nat_gateway);
    expect(nats.map(([, n]) => n.subnet_id)).toEqual(
      byTier(parsed, 'public')
        .slice(0, 2)
        .map(([id]) => `\${aws_subnet.${id}.id}`),
    );
    for (const [, nat] of nats) {
      expect(nat.allocation_id).toMatch(/^\$\{aws_eip\.network_nat-\d-address_[A-F0-9]+\.allocation_id\}$/);
      expect(nat.depends_on).toEqual([expect.stringMatching(/^aws_internet_gateway\./)]);
    }
    expect(Object.values<any>(parsed.resource.aws_eip).every((e) => e.domain === 'vpc')).toBe(true);
    const privateRoutes = Object.entries<any>(parsed.resource.aws_route_table).filter(([id]) => id.includes('private'));
    expect(privateRoutes.map(([, table]) => table.route[0].nat_gateway_id)).toEqual(
      [0, 1, 0].map((i) => `\${aws_nat_gateway.${nats[i][0]}.id}`),
    );
  });

  it('strips the default security group of every rule', () => {
    expect(json).toHaveResourceWithProperties(DefaultSecurityGroup, { ingress: [], egress: [] });
  });

  it('logs all traffic, every minute, to a log group with the given retention encrypted with the given key', () => {
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/drop/staging/vpc-flow-logs',
      retention_in_days: 90,
      kms_key_id: '${aws_kms_key.logs-key_44F95A88.arn}',
    });
    expect(json).toHaveResourceWithProperties(FlowLog, {
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
      max_aggregation_interval: 60,
      // Created after its role may write: otherwise the flow log stays in "Access error".
      depends_on: [expect.stringMatching(/^aws_iam_role_policy\.network_flow-logs-policy_[A-F0-9]+$/)],
    });
  });

  it('lets CloudWatch Logs use the key for the flow logs', () => {
    const keyPolicy = Object.values<any>(parsed.data.aws_iam_policy_document).find((d) =>
      d.statement.some((s: { sid?: string }) => s.sid === 'ServiceLogs'),
    );
    expect(keyPolicy).toBeDefined();
  });

  it('lets the flow log role, assumed by VPC Flow Logs only, write to its log group and look it up', () => {
    expect(json).toHaveResourceWithProperties(IamRolePolicy, { name: 'write-flow-logs' });
    const [logGroup] = Object.keys(parsed.resource.aws_cloudwatch_log_group);
    const write = Object.entries<any>(parsed.data.aws_iam_policy_document).find(([id]) => id.startsWith('network_flow-logs-write'))![1];
    expect(write.statement).toEqual([
      {
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [`\${aws_cloudwatch_log_group.${logGroup}.arn}:*`],
      },
      {
        effect: 'Allow',
        actions: ['logs:DescribeLogGroups'],
        resources: [`\${replace(aws_cloudwatch_log_group.${logGroup}.arn, "/log-group:.*$/", "log-group:*")}`],
      },
    ]);
    const trust = Object.entries<any>(parsed.data.aws_iam_policy_document).find(([id]) => id.startsWith('network_flow-logs-trust'))![1];
    expect(trust.statement[0].principals).toEqual([{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }]);
  });

  it('keeps the Terraform addresses its subnets and NAT gateways had when public subnets existed only for NAT', () => {
    expect(Object.keys(parsed.resource.aws_subnet).sort()).toEqual(
      ['private-0_A0649C48', 'private-1_4188AF2B', 'private-2_96169D1F', 'public-0_A4E682E0', 'public-1_8D79547B', 'public-2_7452BF82'].map(
        (id) => `network_${id}`,
      ),
    );
    expect(Object.keys(parsed.resource.aws_nat_gateway)).toEqual(['network_nat-0_D2F55FEE', 'network_nat-1_A72B97BB']);
  });
});

describe('a network with one NAT gateway', () => {
  it('routes every private subnet through it', () => {
    const { parsed } = networkInStack({ availabilityZones: 2, natGateways: 1 });
    const [nat] = Object.keys(parsed.resource.aws_nat_gateway);
    const routes = Object.entries<any>(parsed.resource.aws_route_table).filter(([id]) => id.includes('private'));
    expect(routes.map(([, t]) => t.route[0].nat_gateway_id)).toEqual([`\${aws_nat_gateway.${nat}.id}`, `\${aws_nat_gateway.${nat}.id}`]);
    expect(byTier(parsed, 'public')).toHaveLength(2);
  });
});

describe('subnetBlocks', () => {
  it('gives zone i the /20 at 16 * i and the /24 at 240 + i', () => {
    expect(subnetBlocks('10.30.0.0/16', 2)).toEqual({ private: '10.30.32.0/20', public: '10.30.242.0/24' });
  });
});

describe('Network refusals', () => {
  it('refuses no NAT gateway and more NAT gateways than zones, naming the value and the range', () => {
    // GIVEN props a direct caller could pass (the configuration refuses them at load, with the same words)
    // WHEN the construct is built THEN it throws one list before any resource is made
    expect(() => networkInStack({ natGateways: 0 })).toThrow(
      'test/network (1 problem):\n  - natGateways: expected a whole number from 1 to 3: the private subnets reach the internet through them (found: 0)',
    );
    expect(() => networkInStack({ availabilityZones: 2, natGateways: 3 })).toThrow(
      'test/network (1 problem):\n  - natGateways: is more than availabilityZones (2); expected 1 to 2 (found: 3)',
    );
    expect(networkProblems({ cidr: '10.20.0.0/16', availabilityZones: 2, natGateways: 2 })).toEqual([]);
  });

  it('refuses a block the subnet layout cannot be carved from, and a zone count outside it', () => {
    expect(networkProblems({ cidr: '10.20.0.0/20', availabilityZones: 16, natGateways: 1 })).toEqual([
      { path: ['cidr'], input: '10.20.0.0/20', message: 'expected a /16 IPv4 block such as "10.20.0.0/16"' },
      {
        path: ['availabilityZones'],
        input: 16,
        message: 'expected a whole number of zones from 1 to 15 (the /16 holds 15 private /20 blocks)',
      },
    ]);
  });
});
