/**
 * The bootstrap stack, `control`: everything a team would otherwise click, for every environment
 * of `config/environments/*.json` at once (docs/deploying.md, "Bootstrap"):
 *
 * - in each AWS account: the OIDC providers of GitHub and Terraform Cloud, and per environment
 *   its identities, one per purpose (constructs/identity/environment-identities.ts);
 * - in Terraform Cloud: the project, the `<project>-<env>-<stack>` workspaces (remote execution,
 *   terraform pinned, no auto-apply), their dynamic credentials by run phase, the edge's
 *   Cloudflare token, and the team tokens;
 * - in GitHub: the environments (deploy branch only; production's with required reviewers) and
 *   the secrets the workflows read.
 *
 * It runs from an administrator's machine (`npx cdktf deploy control`), with TFE_TOKEN (an
 * owners-team token), GITHUB_TOKEN (a repository administrator), AWS credentials of each account,
 * and the Cloudflare tokens as TF_VAR_cloudflare_api_token / TF_VAR_cloudflare_read_token.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GithubProvider } from '@cdktf/provider-github/lib/provider';
import { TfeProvider } from '@cdktf/provider-tfe/lib/provider';
import { CloudBackend, LocalBackend, NamedCloudWorkspace, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { type ControlConfig, type EnvironmentConfig, SERVICE_NAMES, controlProjectOf } from '../config';
import { APP_SECRETS } from '../constructs/app-secrets';
import { GithubRepository } from '../constructs/control/github-repository';
import { TerraformCloud } from '../constructs/control/terraform-cloud';
import { EnvironmentIdentities, controlPlaneArns } from '../constructs/identity/environment-identities';
import { AccountOidcProviders, GITHUB_ISSUER, terraformCloudIssuer } from '../constructs/identity/oidc';
import { Naming } from '../constructs/naming';
import { TERRAFORM_VERSION, requireTerraform } from './terraform';

export interface ControlStackProps {
  readonly control: ControlConfig;
  /** Every environment file, as `loadEnvironments` returns them (checked with `checkControlPlane`). */
  readonly environments: readonly EnvironmentConfig[];
}

export class ControlStack extends TerraformStack {
  readonly identities: Readonly<Record<string, EnvironmentIdentities>>;
  readonly terraformCloud: TerraformCloud;
  readonly github: GithubRepository;

  constructor(scope: Construct, props: ControlStackProps) {
    super(scope, 'control');
    const { control, environments } = props;
    const tfc = control.terraformCloud;
    const workspace = `${control.project}-control`;
    requireTerraform(this);
    if (control.state === 'local') {
      // Relative to cdktf.out/stacks/control, like the environments' local state (git-ignored).
      new LocalBackend(this, { path: `../../../terraform.${workspace}.tfstate` });
    } else {
      new CloudBackend(this, {
        organization: tfc.organization,
        hostname: tfc.hostname,
        workspaces: new NamedCloudWorkspace(workspace, controlProjectOf(control)),
      });
    }

    const tfe = new TfeProvider(this, 'tfe', { hostname: tfc.hostname, organization: tfc.organization });
    const [owner, repository] = control.github.repository.split('/');
    const github = new GithubProvider(this, 'github', { owner });

    const cloudflareApiToken = new TerraformVariable(this, 'cloudflare_api_token', {
      type: 'string',
      sensitive: true,
      description:
        'Cloudflare API token of the edge workspaces (edit): written write-only into Terraform Cloud, never stored in this state',
    });
    cloudflareApiToken.addOverride('ephemeral', true);
    const cloudflareReadToken = new TerraformVariable(this, 'cloudflare_read_token', {
      type: 'string',
      sensitive: true,
      description:
        "Cloudflare API token of pull-request plans (read only): the repository secret CLOUDFLARE_READ_TOKEN (kept in this stack's state)",
    });

    const issuers = [GITHUB_ISSUER, terraformCloudIssuer(tfc.hostname)];
    const accounts = new Map(
      control.accounts.map((account) => {
        const first = environments.find((env) => env.aws.accountId === account.id);
        const provider = new AwsProvider(this, `aws-${account.id}`, {
          alias: `account_${account.id}`,
          // IAM is global; the region only serves the provider's own calls.
          region: first?.aws.region ?? 'us-east-1',
          allowedAccountIds: [account.id],
          profile: account.profile,
          defaultTags: [{ tags: { project: control.project, stack: 'control', 'managed-by': 'cdktf' } }],
        });
        const oidc = new AccountOidcProviders(this, `oidc-${account.id}`, { mode: account.oidcProviders, issuers, provider });
        const arns = [
          ...issuers.map((issuer) => `arn:aws:iam::${account.id}:oidc-provider/${issuer.host}`),
          ...environments.filter((env) => env.aws.accountId === account.id).flatMap((env) => controlPlaneArns(new Naming(env), account.id)),
        ];
        return [account.id, { provider, oidc, controlPlaneArns: arns }] as const;
      }),
    );

    const identities: Record<string, EnvironmentIdentities> = {};
    for (const env of environments) {
      const naming = new Naming(env);
      const account = accounts.get(env.aws.accountId)!;
      const zoneMembers = env.edge.zoneOwner ? environments.filter((other) => other.edge.zone === env.edge.zone) : [];
      identities[env.name] = new EnvironmentIdentities(this, `identities-${env.name}`, {
        naming,
        accountId: env.aws.accountId,
        region: env.aws.region,
        engine: env.compute.engine,
        services: SERVICE_NAMES,
        github: { repository: control.github.repository, deployBranch: control.github.deployBranch, environment: env.ci.githubEnvironment },
        terraformCloud: tfc,
        oidc: account.oidc,
        refreshedSecrets: Object.values(APP_SECRETS)
          .filter((secret) => 'generatedLength' in secret)
          .map((secret) => naming.secret(secret.name)),
        planSecrets: zoneMembers.map((member) => new Naming(member).secret(APP_SECRETS.ORIGIN_VERIFY_SECRET.name)),
        protectedEnvironments:
          env.tier === 'production'
            ? []
            : environments.filter((other) => other.aws.accountId === env.aws.accountId && other.tier === 'production').map((o) => o.name),
        controlPlaneArns: account.controlPlaneArns,
        provider: account.provider,
      });
    }
    this.identities = identities;

    this.terraformCloud = new TerraformCloud(this, 'terraform-cloud', {
      provider: tfe,
      organization: tfc.organization,
      workspaceProject: tfc.project,
      controlProject: controlProjectOf(control),
      controlWorkspace: workspace,
      project: control.project,
      terraformVersion: TERRAFORM_VERSION,
      cloudflareApiToken: cloudflareApiToken.stringValue,
      environments: environments.map((env) => ({
        naming: new Naming(env),
        production: env.tier === 'production',
        planRoleArn: identities[env.name].roles['tfc-plan'].role.arn,
        applyRoleArn: identities[env.name].roles['tfc-apply'].role.arn,
      })),
    });

    this.github = new GithubRepository(this, 'repository', {
      provider: github,
      repository,
      deployBranch: control.github.deployBranch,
      pullRequestToken: this.terraformCloud.pullRequestToken,
      cloudflareReadToken: cloudflareReadToken.stringValue,
      environments: environments.map((env) => ({
        name: env.ci.githubEnvironment,
        reviewers: env.ci.reviewers,
        deployToken: this.terraformCloud.deployTokens[env.name],
      })),
    });

    for (const env of environments) {
      new TerraformOutput(this, `roles-${env.name}`, {
        description: `The roles of ${env.name}, by purpose (the workflows assume them by name: npm run pipeline:matrix)`,
        value: Object.fromEntries(Object.entries(identities[env.name].roles).map(([purpose, role]) => [purpose, role.role.arn])),
      });
    }
  }
}
