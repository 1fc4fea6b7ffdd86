/**
 * The OpenID Connect issuers the platform's AWS roles trust, and their IAM OIDC providers: one
 * per issuer and account (IAM refuses a second provider with the same URL), so the bootstrap
 * stack makes them once per account, or reads the ones another project of the account made.
 */
import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { ValidationError } from '../validation';

/** An issuer of web identity tokens, as IAM and a trust policy see it. */
export interface OidcIssuer {
  /** The provider URL IAM registers (`https://<host>`). */
  readonly url: string;
  /** The prefix of its condition keys in trust policies (`<host>:sub`, `<host>:aud`). */
  readonly host: string;
  /** The audience its tokens carry for AWS. */
  readonly audience: string;
}

/**
 * GitHub Actions (aws-actions/configure-aws-credentials asks for the `sts.amazonaws.com` audience).
 * Subjects: `repo:<owner>/<repo>:ref:refs/heads/<branch>`, `repo:<owner>/<repo>:environment:<name>`
 * (a job that names an environment), `repo:<owner>/<repo>:pull_request`.
 */
export const GITHUB_ISSUER: OidcIssuer = {
  url: 'https://token.actions.githubusercontent.com',
  host: 'token.actions.githubusercontent.com',
  audience: 'sts.amazonaws.com',
};

/**
 * Terraform Cloud's workload identity (dynamic credentials for AWS): the default audience is
 * `aws.workload.identity`; subjects are
 * `organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>`.
 */
export function terraformCloudIssuer(hostname: string): OidcIssuer {
  return { url: `https://${hostname}`, host: hostname, audience: 'aws.workload.identity' };
}

export interface AccountOidcProvidersProps {
  /** `create` the providers in this account, or read the `existing` ones. */
  readonly mode: 'create' | 'existing';
  readonly issuers: readonly OidcIssuer[];
  /** The AWS provider of the account. @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** The IAM OIDC providers of one account, by issuer URL. */
export class AccountOidcProviders extends Construct {
  private readonly arns = new Map<string, string>();

  constructor(scope: Construct, id: string, props: AccountOidcProvidersProps) {
    super(scope, id);
    for (const issuer of props.issuers) {
      const id = issuer.host.replace(/[^A-Za-z0-9]+/g, '-');
      const arn =
        props.mode === 'create'
          ? new IamOpenidConnectProvider(this, id, { url: issuer.url, clientIdList: [issuer.audience], provider: props.provider }).arn
          : new DataAwsIamOpenidConnectProvider(this, id, { url: issuer.url, provider: props.provider }).arn;
      this.arns.set(issuer.url, arn);
    }
  }

  /** The provider ARN of `issuer`. */
  arnOf(issuer: OidcIssuer): string {
    const arn = this.arns.get(issuer.url);
    if (arn === undefined) {
      const known = [...this.arns.keys()].join(', ');
      throw new ValidationError(this, [
        { path: ['issuers'], input: issuer.url, message: `has no provider in this account; expected one of ${known}` },
      ]);
    }
    return arn;
  }
}
