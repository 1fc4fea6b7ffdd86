/**
 * The internet-facing entry of an ECS Express service: a Network Load Balancer in the public
 * subnets, admitting Cloudflare only, in front of the internal load balancer Express Mode creates
 * (see ecs-express-service.ts for why).
 */
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { Ec2ManagedPrefixList } from '@cdktf/provider-aws/lib/ec2-managed-prefix-list';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn } from 'cdktf';
import type { Construct } from 'constructs';
import type { Naming } from '../naming';

/** The port of the Express-managed HTTPS listener, which the Network Load Balancer forwards to. */
export const EXPRESS_LISTENER_PORT = 443;

/**
 * Cloudflare's IPv4 ranges (https://www.cloudflare.com/ips-v4; the list changes rarely): the only
 * sources the internet-facing Network Load Balancer admits, as a managed prefix list.
 */
export const CLOUDFLARE_IPV4_RANGES = [
  '173.245.48.0/20',
  '103.21.244.0/22',
  '103.22.200.0/22',
  '103.31.4.0/22',
  '141.101.64.0/18',
  '108.162.192.0/18',
  '190.93.240.0/20',
  '188.114.96.0/20',
  '197.234.240.0/22',
  '198.41.128.0/17',
  '162.158.0.0/15',
  '104.16.0.0/13',
  '104.24.0.0/14',
  '172.64.0.0/13',
  '131.0.72.0/22',
] as const;

/** What the entry needs of the service's props. */
export interface ExpressIngressProps {
  readonly naming: Naming;
  readonly name: string;
  /** Public subnets, one per availability zone. */
  readonly publicSubnetIds: string[];
}

/**
 * The internet-facing entry: a Network Load Balancer in the public subnets whose one target is
 * the Express-managed internal Application Load Balancer (target type `alb`), TCP 443 passed
 * through, so TLS and Host routing stay on the Express listener.
 */
export function expressPublicIngress(
  scope: Construct,
  props: ExpressIngressProps,
  serviceName: string,
  loadBalancerArn: string,
  loadBalancerGroupId: string,
): Lb {
  const vpcId = new DataAwsSubnet(scope, 'public-subnet', { id: Fn.element(props.publicSubnetIds, 0) }).vpcId;
  const group = new SecurityGroup(scope, 'ingress-security-group', {
    name: props.naming.resource(props.name, 'ingress'),
    description: `Internet-facing entry of ${serviceName}: HTTPS in from Cloudflare, out to the Express load balancer`,
    vpcId,
  });
  // Only Cloudflare reaches the origin (the services also refuse requests without the edge's X-Origin-Verify).
  const cloudflare = new Ec2ManagedPrefixList(scope, 'cloudflare-ranges', {
    name: props.naming.resource(props.name, 'cloudflare'),
    addressFamily: 'IPv4',
    // Room for Cloudflare to add ranges; a reference counts max_entries rules against the group's quota.
    maxEntries: 20,
    entry: CLOUDFLARE_IPV4_RANGES.map((cidr) => ({ cidr, description: 'Cloudflare' })),
  });
  new VpcSecurityGroupIngressRule(scope, 'ingress-from-cloudflare', {
    securityGroupId: group.id,
    description: 'HTTPS from Cloudflare',
    ipProtocol: 'tcp',
    fromPort: EXPRESS_LISTENER_PORT,
    toPort: EXPRESS_LISTENER_PORT,
    prefixListId: cloudflare.id,
  });
  new VpcSecurityGroupEgressRule(scope, 'ingress-to-express', {
    securityGroupId: group.id,
    description: 'HTTPS to the Express load balancer',
    ipProtocol: 'tcp',
    fromPort: EXPRESS_LISTENER_PORT,
    toPort: EXPRESS_LISTENER_PORT,
    referencedSecurityGroupId: loadBalancerGroupId,
  });
  // Express creates the load balancer's group with the ingress it needs for itself; this admits
  // the Network Load Balancer explicitly (Express keeps changes made outside it).
  new VpcSecurityGroupIngressRule(scope, 'express-from-ingress', {
    securityGroupId: loadBalancerGroupId,
    description: `HTTPS from the ${serviceName} Network Load Balancer`,
    ipProtocol: 'tcp',
    fromPort: EXPRESS_LISTENER_PORT,
    toPort: EXPRESS_LISTENER_PORT,
    referencedSecurityGroupId: group.id,
  });

  const nlb = new Lb(scope, 'ingress', {
    name: serviceName,
    loadBalancerType: 'network',
    internal: false,
    subnets: props.publicSubnetIds,
    securityGroups: [group.id],
    enableCrossZoneLoadBalancing: true,
  });
  const target = new LbTargetGroup(scope, 'ingress-target', {
    name: serviceName,
    targetType: 'alb',
    protocol: 'TCP',
    port: EXPRESS_LISTENER_PORT,
    vpcId,
    // The load balancer answers (any status below 500): service health is Express's own check.
    healthCheck: { protocol: 'HTTPS', path: '/', matcher: '200-499' },
  });
  new LbTargetGroupAttachment(scope, 'ingress-target-express', {
    targetGroupArn: target.arn,
    targetId: loadBalancerArn,
    port: EXPRESS_LISTENER_PORT,
  });
  new LbListener(scope, 'ingress-listener', {
    loadBalancerArn: nlb.arn,
    port: EXPRESS_LISTENER_PORT,
    protocol: 'TCP',
    defaultAction: [{ type: 'forward', targetGroupArn: target.arn }],
  });
  return nlb;
}
