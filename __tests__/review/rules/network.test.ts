/** The network rules of the gate, each caught on a deliberately broken copy of a real synth. */
import { describe } from 'vitest';
import { networkRules } from '../../../review/policy/rules/network';
import { at } from '../fixtures';
import { type Case, onResource, ruleCases } from './kit';

const CASES: Case[] = [
  {
    rule: 'sg-no-public-ingress',
    name: 'database open to the internet',
    broken: onResource('data', 'aws_vpc_security_group_ingress_rule', 'database/from-compute', (b) => {
      delete b.referenced_security_group_id;
      b.cidr_ipv4 = '0.0.0.0/0';
    }),
  },
  {
    rule: 'sg-no-public-ingress',
    name: 'inline ingress block',
    broken: onResource(
      'data',
      'aws_security_group',
      'database/security-group',
      (b) => (b.ingress = [{ description: 'ssh', from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }]),
    ),
  },
  {
    rule: 'sg-no-unrestricted-egress',
    name: 'everything out',
    broken: onResource('data', 'aws_vpc_security_group_egress_rule', 'compute-to-internet', (b) => {
      b.ip_protocol = '-1';
      delete b.from_port;
      delete b.to_port;
    }),
  },
  {
    rule: 'sg-descriptions',
    name: 'undocumented group',
    broken: onResource('data', 'aws_security_group', 'compute-security-group', (b) => delete b.description),
  },
  {
    rule: 'sg-descriptions',
    name: 'undocumented rule',
    broken: onResource('data', 'aws_vpc_security_group_egress_rule', 'compute-to-database', (b) => delete b.description),
  },
  {
    rule: 'vpc-default-security-group-closed',
    name: 'default group allows traffic',
    broken: (s) => {
      at(s, 'data', 'aws_default_security_group', 'network/default-security-group').body.ingress = [
        { protocol: '-1', self: true, from_port: 0, to_port: 0 },
      ];
      return { stack: 'data', address: at(s, 'data', 'aws_vpc', 'network/vpc').address };
    },
  },
  {
    rule: 'vpc-flow-logs',
    name: 'flow log removed',
    broken: (s) => {
      delete s.data.resource!.aws_flow_log;
      return { stack: 'data', address: at(s, 'data', 'aws_vpc', 'network/vpc').address };
    },
  },
  {
    rule: 'subnet-no-public-ip',
    name: 'public IPs on launch',
    broken: onResource('data', 'aws_subnet', 'network/public-0', (b) => (b.map_public_ip_on_launch = true)),
  },
];

describe('network rules', () => ruleCases(networkRules, CASES));
