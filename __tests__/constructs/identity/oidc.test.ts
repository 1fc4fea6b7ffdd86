import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { AccountOidcProviders, GITHUB_ISSUER, terraformCloudIssuer } from '../../../constructs/identity/oidc';
import { ValidationError } from '../../../constructs/validation';
import { testApp } from '../../helpers';

function providers(mode: 'create' | 'existing', issuers = [GITHUB_ISSUER, terraformCloudIssuer('app.terraform.io')]) {
  const stack = new TerraformStack(testApp(), 'test');
  const oidc = new AccountOidcProviders(stack, 'oidc', { mode, issuers });
  return { oidc, json: Testing.synth(stack) };
}

describe('AccountOidcProviders', () => {
  it("creates GitHub's and Terraform Cloud's providers with the audiences their tokens carry for AWS", () => {
    // GIVEN / WHEN
    const { json } = providers('create');
    // THEN
    expect(json).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
    });
    expect(json).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: 'https://app.terraform.io',
      client_id_list: ['aws.workload.identity'],
    });
    expect(json).not.toHaveDataSource(DataAwsIamOpenidConnectProvider);
  });

  it('reads the existing ones of an account where another project made them', () => {
    const { json } = providers('existing');
    expect(json).not.toHaveResource(IamOpenidConnectProvider);
    expect(json).toHaveDataSourceWithProperties(DataAwsIamOpenidConnectProvider, { url: 'https://token.actions.githubusercontent.com' });
    expect(json).toHaveDataSourceWithProperties(DataAwsIamOpenidConnectProvider, { url: 'https://app.terraform.io' });
  });

  it("takes a Terraform Enterprise host's issuer from its hostname", () => {
    expect(terraformCloudIssuer('tfe.getdrop.no')).toEqual({
      url: 'https://tfe.getdrop.no',
      host: 'tfe.getdrop.no',
      audience: 'aws.workload.identity',
    });
  });

  it('refuses to name a provider of an issuer it was not given, naming the ones it has', () => {
    const { oidc } = providers('create', [GITHUB_ISSUER]);
    expect(() => oidc.arnOf(terraformCloudIssuer('app.terraform.io'))).toThrow(ValidationError);
    expect(() => oidc.arnOf(terraformCloudIssuer('app.terraform.io'))).toThrow(
      'test/oidc (1 problem):\n  - issuers: has no provider in this account; expected one of https://token.actions.githubusercontent.com (found: "https://app.terraform.io")',
    );
  });
});
