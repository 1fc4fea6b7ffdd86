import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { GITHUB_ISSUER } from '../../../constructs/identity/oidc';
import { OidcRole, type OidcRoleProps } from '../../../constructs/identity/oidc-role';
import { testApp } from '../../helpers';

function role(overrides: Partial<OidcRoleProps> = {}) {
  const stack = new TerraformStack(testApp(), 'test');
  new OidcRole(stack, 'role', {
    name: 'drop-staging-github-push',
    description: 'Pushes',
    issuer: GITHUB_ISSUER,
    providerArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    subjects: ['repo:getdrop/drop-platform:ref:refs/heads/main'],
    statements: [{ sid: 'Read', effect: 'Allow', actions: ['ecr:DescribeImages'], resources: ['*'] }],
    ...overrides,
  });
  const json = Testing.synth(stack);
  const parsed = JSON.parse(json);
  const document = (which: 'trust' | 'permissions') =>
    Object.entries<any>(parsed.data.aws_iam_policy_document).find(([key]) => key.startsWith(`role_${which}_`))![1].statement;
  return { json, parsed, document };
}

describe('OidcRole', () => {
  it("trusts exactly the given subjects and the issuer's audience, through the issuer's provider", () => {
    // GIVEN / WHEN
    const { document } = role();
    // THEN
    expect(document('trust')).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [{ type: 'Federated', identifiers: ['arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'] }],
        condition: [
          { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] },
          {
            test: 'StringEquals',
            variable: 'token.actions.githubusercontent.com:sub',
            values: ['repo:getdrop/drop-platform:ref:refs/heads/main'],
          },
        ],
      },
    ]);
  });

  it('gives the role its statements as one inline policy, an hour of session by default, and no boundary unless asked', () => {
    const { json, parsed, document } = role();
    expect(json).toHaveResourceWithProperties(IamRole, { name: 'drop-staging-github-push', max_session_duration: 3600 });
    expect(Object.values<any>(parsed.resource.aws_iam_role)[0].permissions_boundary).toBeUndefined();
    expect(json).toHaveResourceWithProperties(IamRolePolicy, { name: 'drop-staging-github-push' });
    expect(document('permissions')).toEqual([{ sid: 'Read', effect: 'Allow', actions: ['ecr:DescribeImages'], resources: ['*'] }]);
  });

  it('takes a permissions boundary, tags and a longer session when asked', () => {
    const { json } = role({
      permissionsBoundary: 'arn:aws:iam::123456789012:policy/b',
      tags: { environment: 'staging' },
      maxSessionDurationSeconds: 7200,
    });
    expect(json).toHaveResourceWithProperties(IamRole, {
      permissions_boundary: 'arn:aws:iam::123456789012:policy/b',
      tags: { environment: 'staging' },
      max_session_duration: 7200,
    });
  });
});
