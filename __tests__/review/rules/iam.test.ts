/** The IAM rules of the gate, each caught on a deliberately broken copy of a real synth. */
import { describe } from 'vitest';
import { iamRules } from '../../../review/policy/rules/iam';
import { type Case, onDocument, onResource, ruleCases } from './kit';

const CASES: Case[] = [
  {
    rule: 'iam-policy-readable',
    name: 'computed policy',
    broken: onResource('registry', 'aws_iam_role_policy', 'ci/push', (b) => (b.policy = '${jsonencode(local.policy)}')),
  },
  {
    rule: 'iam-no-admin',
    name: 'inline JSON admin policy',
    broken: onResource(
      'compute',
      'aws_iam_role_policy',
      'api/access-policy',
      (b) => (b.policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })),
    ),
  },
  {
    rule: 'iam-no-wildcard-actions',
    name: 'ecr:* through a policy document',
    broken: onDocument('registry', 'ci/permissions', ['aws_iam_role_policy', 'ci/push'], (st) =>
      st.find((x) => x.sid === 'PushAndScanResults').actions.push('ecr:*'),
    ),
  },
  {
    rule: 'iam-no-wildcard-resource',
    name: 'push to every repository',
    broken: onDocument(
      'registry',
      'ci/permissions',
      ['aws_iam_role_policy', 'ci/push'],
      (st) => (st.find((x) => x.sid === 'PushAndScanResults').resources = ['*']),
    ),
  },
  {
    rule: 'iam-trust-no-wildcard-principal',
    name: 'anyone may assume',
    broken: onDocument(
      'data',
      'database/monitoring-trust',
      ['aws_iam_role', 'database/monitoring-role'],
      (st) => (st[0].principals = [{ type: 'AWS', identifiers: ['*'] }]),
    ),
  },
  {
    rule: 'iam-github-oidc-subject',
    name: 'any repository of the owner',
    broken: onDocument(
      'registry',
      'ci/trust',
      ['aws_iam_role', 'ci/role'],
      (st) => (st[0].condition.find((c: any) => c.variable.endsWith(':sub')).values = ['repo:getdrop/*']),
    ),
  },
  {
    rule: 'iam-github-oidc-subject',
    name: 'no subject condition',
    broken: onDocument(
      'registry',
      'ci/trust',
      ['aws_iam_role', 'ci/role'],
      (st) => (st[0].condition = st[0].condition.filter((c: any) => !c.variable.endsWith(':sub'))),
    ),
  },
  {
    rule: 'resource-policy-not-public',
    name: 'key usable by anyone',
    broken: onDocument('data', 'database-key/policy', ['aws_kms_key', 'database-key/key'], (st) =>
      st.push({ effect: 'Allow', actions: ['kms:Decrypt'], resources: ['*'], principals: [{ type: 'AWS', identifiers: ['*'] }] }),
    ),
  },
  {
    rule: 'iam-no-admin-managed-policy',
    name: 'AdministratorAccess attached',
    broken: onResource(
      'data',
      'aws_iam_role_policy_attachment',
      'database/monitoring-policy',
      (b) => (b.policy_arn = 'arn:aws:iam::aws:policy/AdministratorAccess'),
    ),
  },
];

describe('IAM rules', () => ruleCases(iamRules, CASES));
