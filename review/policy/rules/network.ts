/** Network: security groups, the default group, flow logs, public IPs. */
import { type Resource, type Synth, referencesIn, resources } from '../../terraform';
import { type Rule, finding, perResource, isTrue } from './kit';
const PUBLIC_V4 = '0.0.0.0/0';
const PUBLIC_V6 = '::/0';
const isAllPorts = (rule: Record<string, any>) =>
  String(rule.ip_protocol ?? rule.protocol) === '-1' ||
  String(rule.ip_protocol ?? rule.protocol) === 'all' ||
  (Number(rule.from_port) === 0 && (Number(rule.to_port) === 65535 || Number(rule.to_port) === 0));

/** Every security group rule: separate rule resources and inline blocks, with their direction. */
function securityGroupRules(
  synth: Synth,
): { resource: Resource; direction: 'ingress' | 'egress'; rule: Record<string, any>; label: string }[] {
  const found: ReturnType<typeof securityGroupRules> = [];
  for (const r of resources(synth, 'aws_vpc_security_group_ingress_rule'))
    found.push({ resource: r, direction: 'ingress', rule: r.body, label: '' });
  for (const r of resources(synth, 'aws_vpc_security_group_egress_rule'))
    found.push({ resource: r, direction: 'egress', rule: r.body, label: '' });
  for (const r of resources(synth, 'aws_security_group_rule'))
    found.push({ resource: r, direction: r.body.type === 'egress' ? 'egress' : 'ingress', rule: r.body, label: '' });
  for (const r of resources(synth, 'aws_security_group')) {
    for (const direction of ['ingress', 'egress'] as const) {
      [r.body[direction] ?? []]
        .flat()
        .forEach((rule: any, index: number) => found.push({ resource: r, direction, rule, label: `${direction}[${index}]: ` }));
    }
  }
  return found;
}

const opensTo = (rule: Record<string, any>) =>
  [rule.cidr_ipv4, rule.cidr_ipv6, ...[rule.cidr_blocks ?? []].flat(), ...[rule.ipv6_cidr_blocks ?? []].flat()].filter(
    (c) => c === PUBLIC_V4 || c === PUBLIC_V6,
  );

export const networkRules: Rule[] = [
  {
    id: 'sg-no-public-ingress',
    title: 'No security group admits traffic from the whole internet',
    mirrors: ['checkov CKV_AWS_24', 'checkov CKV_AWS_25', 'checkov CKV_AWS_260', 'checkov CKV_AWS_277', 'trivy AVD-AWS-0107'],
    fix: 'Admit a security group (referenced_security_group_id) or a named CIDR; public traffic enters through Cloudflare and App Runner.',
    check: (synth) =>
      securityGroupRules(synth)
        .filter((r) => r.direction === 'ingress' && opensTo(r.rule).length > 0)
        .map((r) =>
          finding(
            r.resource,
            `${r.label}ingress from ${opensTo(r.rule).join(', ')} on ${r.rule.from_port ?? 'all'}-${r.rule.to_port ?? 'all'}/${r.rule.ip_protocol ?? r.rule.protocol}`,
          ),
        ),
  },
  {
    id: 'sg-no-unrestricted-egress',
    title: 'No security group allows every port and protocol to the whole internet',
    mirrors: ['checkov CKV_AWS_382', 'trivy AVD-AWS-0104'],
    fix: 'Allow the ports the workload needs (443 for HTTPS).',
    check: (synth) =>
      securityGroupRules(synth)
        .filter((r) => r.direction === 'egress' && opensTo(r.rule).length > 0 && isAllPorts(r.rule))
        .map((r) => finding(r.resource, `${r.label}egress to ${opensTo(r.rule).join(', ')} on every port`)),
  },
  {
    id: 'sg-descriptions',
    title: 'Security groups and their rules say what they are for',
    mirrors: ['checkov CKV_AWS_23', 'trivy AVD-AWS-0099', 'trivy AVD-AWS-0124'],
    fix: 'Set description on the group and on every rule.',
    check: (synth) => [
      ...resources(synth, 'aws_security_group')
        .filter((g) => !g.body.description)
        .map((g) => finding(g, 'the group has no description')),
      ...securityGroupRules(synth)
        .filter((r) => !r.rule.description)
        .map((r) => finding(r.resource, `${r.label}${r.direction} rule has no description`)),
    ],
  },
  {
    id: 'vpc-default-security-group-closed',
    title: 'The default security group of every VPC has no rules',
    mirrors: ['checkov CKV2_AWS_12'],
    fix: 'Add an aws_default_security_group for the VPC with ingress = [] and egress = [] (Network does).',
    check: (synth) =>
      resources(synth, 'aws_vpc').flatMap((vpc) => {
        const groups = Object.values(synth[vpc.stack].resource?.aws_default_security_group ?? {}).filter((g: any) =>
          referencesIn(g.vpc_id).some((r) => r.address === vpc.address),
        );
        if (groups.length === 0)
          return [finding(vpc, 'no aws_default_security_group: the default group allows all traffic between its members')];
        return groups.some((g: any) => [g.ingress ?? []].flat().length > 0 || [g.egress ?? []].flat().length > 0)
          ? [finding(vpc, 'its aws_default_security_group has rules')]
          : [];
      }),
  },
  {
    id: 'vpc-flow-logs',
    title: 'Every VPC logs all its traffic',
    mirrors: ['checkov CKV2_AWS_11', 'trivy AVD-AWS-0178'],
    fix: 'Add an aws_flow_log with vpc_id = the VPC and traffic_type = "ALL" (Network does).',
    check: (synth) =>
      resources(synth, 'aws_vpc').flatMap((vpc) => {
        const logs = Object.values(synth[vpc.stack].resource?.aws_flow_log ?? {}).filter((l: any) =>
          referencesIn(l.vpc_id).some((r) => r.address === vpc.address),
        );
        if (logs.length === 0) return [finding(vpc, 'no aws_flow_log refers to it')];
        return logs.some((l: any) => l.traffic_type === 'ALL') ? [] : [finding(vpc, 'its flow log does not record traffic_type ALL')];
      }),
  },
  perResource(
    {
      id: 'subnet-no-public-ip',
      title: 'Subnets do not hand out public IPs',
      mirrors: ['checkov CKV_AWS_130', 'trivy AVD-AWS-0164'],
      fix: 'Set map_public_ip_on_launch = false.',
    },
    ['aws_subnet'],
    (b) => (isTrue(b.map_public_ip_on_launch) ? 'map_public_ip_on_launch = true' : undefined),
  ),
];
