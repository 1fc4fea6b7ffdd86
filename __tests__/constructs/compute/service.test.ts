import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import {
  databaseConnectStatements,
  grantSecretReads,
  imageIdentifier,
  pullOwnImageStatements,
  secretReadStatements,
} from '../../../constructs/compute/service';
import { testApp } from '../../helpers';
import { DATABASE_USER, REPOSITORY_ARN, SECRETS_KEY, secretArn } from './service-fixture';

const secrets = {
  JWT_SECRET: { arn: secretArn('jwt-secret'), kmsKeyArn: SECRETS_KEY },
  SENTRY_DSN: { arn: secretArn('sentry-dsn'), kmsKeyArn: SECRETS_KEY },
};

describe('imageIdentifier', () => {
  it('pins the image by digest, so a pushed tag never changes what runs', () => {
    expect(imageIdentifier('123456789012.dkr.ecr.eu-west-1.amazonaws.com/drop-staging/api', 'sha256:abc')).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/drop-staging/api@sha256:abc',
    );
  });
});

describe('secretReadStatements', () => {
  it('reads exactly the given secrets, and decrypts with their keys only through Secrets Manager of the region', () => {
    expect(secretReadStatements(secrets, 'eu-north-1')).toEqual([
      {
        sid: 'ReadOwnSecrets',
        effect: 'Allow',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretArn('jwt-secret'), secretArn('sentry-dsn')],
      },
      {
        sid: 'DecryptOwnSecrets',
        effect: 'Allow',
        actions: ['kms:Decrypt'],
        // One key for both secrets: named once.
        resources: [SECRETS_KEY],
        condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.eu-north-1.amazonaws.com'] }],
      },
    ]);
  });

  it('names a secret once when two variables read it', () => {
    const [read] = secretReadStatements({ ...secrets, SENTRY_DSN_AGAIN: secrets.SENTRY_DSN }, 'eu-west-1');
    expect(read.resources).toEqual([secretArn('jwt-secret'), secretArn('sentry-dsn')]);
  });

  it('grants nothing, not even decryption, to a service without secrets', () => {
    expect(secretReadStatements({}, 'eu-west-1')).toEqual([]);
  });
});

describe('databaseConnectStatements', () => {
  it('lets the role connect as that one database user', () => {
    expect(databaseConnectStatements(DATABASE_USER)).toEqual([
      { sid: 'ConnectAsRuntimeUser', effect: 'Allow', actions: ['rds-db:connect'], resources: [DATABASE_USER] },
    ]);
  });

  it('grants no database access without a database user', () => {
    expect(databaseConnectStatements(undefined)).toEqual([]);
  });
});

describe('pullOwnImageStatements', () => {
  it('logs in and reads the layers of the one repository, plus the extra actions asked for', () => {
    const [login, pull] = pullOwnImageStatements(REPOSITORY_ARN, ['ecr:DescribeImages']);
    expect(login).toEqual({ sid: 'EcrLogin', effect: 'Allow', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] });
    expect(pull).toEqual({
      sid: 'PullOwnImage',
      effect: 'Allow',
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:DescribeImages'],
      resources: [REPOSITORY_ARN],
    });
  });
});

describe('grantSecretReads', () => {
  /** GIVEN a stack holding only a role. */
  function roleInStack() {
    const stack = new TerraformStack(testApp(), 'test');
    const role = new IamRole(stack, 'role', { name: 'drop-staging-api-instance', assumeRolePolicy: '{}' });
    return { stack, role };
  }

  it('attaches one policy, named read-own-secrets, with the secret reads and then the database connection', () => {
    // GIVEN
    const { stack, role } = roleInStack();
    // WHEN
    const policy = grantSecretReads(stack, role, 'instance-policy', { secrets, region: 'eu-west-1', databaseUserArn: DATABASE_USER });
    // THEN
    const json = Testing.synth(stack);
    expect(policy).toBeInstanceOf(IamRolePolicy);
    expect(json).toHaveResourceWithProperties(IamRolePolicy, {
      role: '${aws_iam_role.role.id}',
      // Renaming an inline policy replaces it: the name it had before the database statement joined it.
      name: 'read-own-secrets',
      policy: '${data.aws_iam_policy_document.secrets.json}',
    });
    const statements = JSON.parse(json).data.aws_iam_policy_document.secrets.statement;
    expect(statements.map((s: { sid: string }) => s.sid)).toEqual(['ReadOwnSecrets', 'DecryptOwnSecrets', 'ConnectAsRuntimeUser']);
    expect(statements.flatMap((s: { resources: string[] }) => s.resources)).not.toContain('*');
  });

  it('attaches a policy with only the database connection to a role that has no secrets', () => {
    const { stack, role } = roleInStack();
    grantSecretReads(stack, role, 'instance-policy', { secrets: {}, region: 'eu-west-1', databaseUserArn: DATABASE_USER });
    expect(JSON.parse(Testing.synth(stack)).data.aws_iam_policy_document.secrets.statement).toEqual([
      { sid: 'ConnectAsRuntimeUser', effect: 'Allow', actions: ['rds-db:connect'], resources: [DATABASE_USER] },
    ]);
  });

  it('attaches nothing, and returns nothing to depend on, when the role has neither secrets nor a database user', () => {
    const { stack, role } = roleInStack();
    expect(grantSecretReads(stack, role, 'instance-policy', { secrets: {}, region: 'eu-west-1' })).toBeUndefined();
    const json = Testing.synth(stack);
    expect(json).not.toHaveResource(IamRolePolicy);
    expect(JSON.parse(json).data).toBeUndefined();
  });
});
