import { describe, expect, it } from 'vitest';
import { ReviewInputError, actionMatches, parseStack, policyDocument, referencesIn } from '../../review/terraform';

describe('reading synthesized Terraform', () => {
  it('follows a reference to an aws_iam_policy_document, with its source documents', () => {
    const stack = {
      data: {
        aws_iam_policy_document: {
          base: { statement: [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }] },
          doc: {
            source_policy_documents: ['${data.aws_iam_policy_document.base.json}'],
            statement: [
              {
                sid: 'Trust',
                effect: 'Allow',
                actions: ['sts:AssumeRole'],
                principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }],
              },
            ],
          },
        },
      },
    };
    const document = policyDocument(stack, '${data.aws_iam_policy_document.doc.json}');
    expect(document).toMatchObject({
      kind: 'resolved',
      source: 'data.aws_iam_policy_document.doc',
      statements: [
        { effect: 'Allow', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] },
        { sid: 'Trust', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] },
      ],
    });
  });

  it('parses inline JSON policies, with string or list fields and "Principal": "*"', () => {
    const json = JSON.stringify({
      Statement: {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: '*',
        Principal: '*',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } },
      },
    });
    expect(policyDocument({}, json)).toMatchObject({
      kind: 'resolved',
      statements: [
        {
          actions: ['kms:Decrypt'],
          resources: ['*'],
          principals: [{ type: '*', identifiers: ['*'] }],
          conditions: [{ test: 'StringEquals', variable: 'aws:PrincipalOrgID', values: ['o-1'] }],
        },
      ],
    });
  });

  it('says why it cannot read a policy rather than passing it', () => {
    expect(policyDocument({}, '${jsonencode(local.p)}')).toMatchObject({ kind: 'unresolved' });
    expect(policyDocument({}, '${data.aws_iam_policy_document.gone.json}')).toMatchObject({
      kind: 'unresolved',
      reason: expect.stringContaining('does not exist'),
    });
    expect(policyDocument({}, '{"Statement": [')).toMatchObject({ kind: 'unresolved', reason: expect.stringContaining('not valid JSON') });
  });

  it('finds references inside interpolations only, including nested for expressions', () => {
    const refs = referencesIn({
      a: 'arn:aws:iam::${data.aws_caller_identity.account.account_id}:root',
      b: '${{ for k, v in jsondecode(data.aws_ssm_parameter.records.insecure_value): v.name => v }}',
      c: 'aws_kms_key.not_a_reference.arn in plain text',
    });
    expect(refs.map((r) => `${r.address}.${r.attribute}`)).toEqual([
      'data.aws_caller_identity.account.account_id',
      'data.aws_ssm_parameter.records.insecure_value',
    ]);
  });

  it('matches IAM action wildcards case-insensitively', () => {
    expect(actionMatches('ecr:Get*', 'ecr:GetAuthorizationToken')).toBe(true);
    expect(actionMatches('ECR:*', 'ecr:PutImage')).toBe(true);
    expect(actionMatches('ecr:Put*', 'ecr:GetAuthorizationToken')).toBe(false);
  });

  it('refuses bad input with one error that names the file', () => {
    expect(() => parseStack('{"resource": [', 'cdktf.out/stacks/data/cdk.tf.json')).toThrow(ReviewInputError);
    expect(() => parseStack('{"resource": [', 'cdktf.out/stacks/data/cdk.tf.json')).toThrow(
      /^cdktf.out\/stacks\/data\/cdk.tf.json: not valid JSON/,
    );
    expect(() => parseStack('[]', 'x.json')).toThrow('x.json: expected a Terraform JSON object, found an array');
    expect(() => parseStack('{"resource": "aws_vpc"}', 'x.json')).toThrow('x.json: "resource" must be an object keyed by type');
  });
});
