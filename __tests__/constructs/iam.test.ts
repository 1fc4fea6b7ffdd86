import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { PolicyStatements, assumedBy } from '../../constructs/iam';
import { testApp } from '../helpers';

/** GIVEN a stack holding only a policy document, WHEN `grant` adds to it and it is synthesized. */
function documentAfter(grant: (policy: PolicyStatements) => void) {
  const stack = new TerraformStack(testApp(), 'test');
  const policy = new PolicyStatements(stack, 'policy', [{ sid: 'First', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::a/*'] }]);
  grant(policy);
  return JSON.parse(Testing.synth(stack)).data.aws_iam_policy_document.policy.statement as unknown[];
}

describe('PolicyStatements', () => {
  it('renders the statements added after it was made, in the order they were added', () => {
    // WHEN
    const statements = documentAfter((policy) => policy.addToPolicy({ sid: 'Second', actions: ['s3:PutObject'], resources: ['*'] }));
    // THEN
    expect(statements).toEqual([
      { sid: 'First', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::a/*'] },
      { sid: 'Second', actions: ['s3:PutObject'], resources: ['*'] },
    ]);
  });

  it('holds a grant asked for twice once, its condition values joined', () => {
    const grant = (service: string) => ({
      sid: 'UseKey',
      actions: ['kms:Decrypt'],
      resources: ['*'],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [service] }],
    });
    const statements = documentAfter((policy) =>
      policy.addToPolicy(grant('secretsmanager.eu-west-1.amazonaws.com'), grant('ssm.eu-west-1.amazonaws.com')),
    );
    expect(statements).toEqual([
      expect.objectContaining({ sid: 'First' }),
      {
        sid: 'UseKey',
        actions: ['kms:Decrypt'],
        resources: ['*'],
        condition: [
          {
            test: 'StringEquals',
            variable: 'kms:ViaService',
            values: ['secretsmanager.eu-west-1.amazonaws.com', 'ssm.eu-west-1.amazonaws.com'],
          },
        ],
      },
    ]);
  });

  it('refuses two different statements under one sid, naming both', () => {
    expect(() =>
      documentAfter((policy) => policy.addToPolicy({ sid: 'First', actions: ['s3:DeleteObject'], resources: ['arn:aws:s3:::a/*'] })),
    ).toThrow(
      'Two different policy statements share the sid "First": {"actions":["s3:GetObject"],"resources":["arn:aws:s3:::a/*"]} and ' +
        '{"actions":["s3:DeleteObject"],"resources":["arn:aws:s3:::a/*"]}; expected one sid per grant (give the second its own sid)',
    );
  });
});

describe('assumedBy', () => {
  it('is a trust policy that lets only the named AWS service assume the role', () => {
    const stack = new TerraformStack(testApp(), 'test');
    assumedBy(stack, 'trust', 'tasks.apprunner.amazonaws.com');
    expect(Testing.synth(stack)).toHaveDataSourceWithProperties(
      { tfResourceType: 'aws_iam_policy_document' },
      {
        statement: [
          {
            actions: ['sts:AssumeRole'],
            effect: 'Allow',
            principals: [{ type: 'Service', identifiers: ['tasks.apprunner.amazonaws.com'] }],
          },
        ],
      },
    );
  });
});
