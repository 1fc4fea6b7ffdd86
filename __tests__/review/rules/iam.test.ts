/** The IAM rules of the gate, each caught on a deliberately broken copy of a real synth. */
import { describe } from 'vitest';
import { iamRules } from '../../../review/policy/rules/iam';
import { type Case, onDocument, onResource, ruleCases } from './kit';

const CASES: Case[] = [
  {
    rule: 'iam-policy-readable',
    name: 'computed policy',
    broken: onResource('compute', 'aws_iam_role_policy', 'api/access-policy', (b) => (b.policy = '${jsonencode(local.policy)}')),
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
    broken: onDocument('compute', 'api/pull', ['aws_iam_role_policy', 'api/access-policy'], (st) =>
      st.find((x) => x.sid === 'PullOwnImage').actions.push('ecr:*'),
    ),
  },
  {
    rule: 'iam-no-wildcard-resource',
    name: 'pull from every repository',
    broken: onDocument(
      'compute',
      'api/pull',
      ['aws_iam_role_policy', 'api/access-policy'],
      (st) => (st.find((x) => x.sid === 'PullOwnImage').resources = ['*']),
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
    env: 'control',
    broken: onDocument(
      'control',
      'identities-staging/github-push/trust',
      ['aws_iam_role', 'identities-staging/github-push/role'],
      (st) => (st[0].condition.find((c: any) => c.variable.endsWith(':sub')).values = ['repo:getdrop/*']),
    ),
  },
  {
    rule: 'iam-github-oidc-subject',
    name: 'no subject condition',
    env: 'control',
    broken: onDocument(
      'control',
      'identities-production/github-release/trust',
      ['aws_iam_role', 'identities-production/github-release/role'],
      (st) => (st[0].condition = st[0].condition.filter((c: any) => !c.variable.endsWith(':sub'))),
    ),
  },
  {
    rule: 'iam-terraform-cloud-oidc-subject',
    name: 'every workspace of the project',
    env: 'control',
    broken: onDocument(
      'control',
      'identities-production/tfc-apply/trust',
      ['aws_iam_role', 'identities-production/tfc-apply/role'],
      (st) =>
        (st[0].condition.find((c: any) => c.variable.endsWith(':sub')).values = [
          'organization:getdrop:project:drop-platform:workspace:*:run_phase:apply',
        ]),
    ),
  },
  {
    rule: 'iam-terraform-cloud-oidc-subject',
    name: 'no audience condition',
    env: 'control',
    broken: onDocument(
      'control',
      'identities-staging/tfc-plan/trust',
      ['aws_iam_role', 'identities-staging/tfc-plan/role'],
      (st) => (st[0].condition = st[0].condition.filter((c: any) => !c.variable.endsWith(':aud'))),
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
