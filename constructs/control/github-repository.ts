/**
 * The GitHub side of the control plane: one GitHub environment per platform environment (the
 * deploy branch only; the production tier with required reviewers, no self-review and no admin
 * bypass), its Terraform Cloud deploy token as an environment secret, and the read-only tokens of
 * pull-request plans as repository secrets.
 *
 * `github_actions_secret` and `github_actions_environment_secret` have no write-only attribute
 * (integrations/github 6.9): their values are in this stack's state, which lives in the control
 * workspace that only the owners team can read (docs/deploying.md, "Bootstrap").
 */
import { ActionsEnvironmentSecret } from '@cdktf/provider-github/lib/actions-environment-secret';
import { ActionsSecret } from '@cdktf/provider-github/lib/actions-secret';
import { DataGithubTeam } from '@cdktf/provider-github/lib/data-github-team';
import { DataGithubUser } from '@cdktf/provider-github/lib/data-github-user';
import type { GithubProvider } from '@cdktf/provider-github/lib/provider';
import { RepositoryEnvironment } from '@cdktf/provider-github/lib/repository-environment';
import { RepositoryEnvironmentDeploymentPolicy } from '@cdktf/provider-github/lib/repository-environment-deployment-policy';
import { Token } from 'cdktf';
import { Construct } from 'constructs';

/** The secrets the workflows read, by scope. */
export const REPOSITORY_SECRETS = {
  /** Terraform Cloud, read runs and state only: pull-request plans start from a copy of the state. */
  TF_PLAN_TOKEN: 'TF_PLAN_TOKEN',
  /** Cloudflare, read only: the edge plans of pull requests. */
  CLOUDFLARE_READ_TOKEN: 'CLOUDFLARE_READ_TOKEN',
} as const;
export const ENVIRONMENT_SECRETS = {
  /** Terraform Cloud, write to the environment's own workspaces: its deploy team's token. */
  TF_API_TOKEN: 'TF_API_TOKEN',
} as const;

export interface GithubEnvironmentSpec {
  /** The GitHub environment's name. */
  readonly name: string;
  readonly reviewers: { readonly teams: readonly string[]; readonly users: readonly string[] };
  /** The environment's Terraform Cloud deploy token. */
  readonly deployToken: string;
}

export interface GithubRepositoryProps {
  /** The repository's name (the provider's `owner` is its owner). */
  readonly repository: string;
  readonly deployBranch: string;
  readonly environments: readonly GithubEnvironmentSpec[];
  readonly pullRequestToken: string;
  readonly cloudflareReadToken: string;
  readonly provider: GithubProvider;
}

export class GithubRepository extends Construct {
  readonly environments: Readonly<Record<string, RepositoryEnvironment>>;

  constructor(scope: Construct, id: string, props: GithubRepositoryProps) {
    super(scope, id);
    const { provider, repository } = props;
    const environments: Record<string, RepositoryEnvironment> = {};
    const teamIds = new Map<string, number>();
    const userIds = new Map<string, number>();
    const teamId = (slug: string) => {
      if (!teamIds.has(slug)) teamIds.set(slug, Token.asNumber(new DataGithubTeam(this, `team-${slug}`, { provider, slug }).id));
      return teamIds.get(slug)!;
    };
    const userId = (username: string) => {
      if (!userIds.has(username))
        userIds.set(username, Token.asNumber(new DataGithubUser(this, `user-${username}`, { provider, username }).id));
      return userIds.get(username)!;
    };
    for (const spec of props.environments) {
      const scopeOf = new Construct(this, spec.name);
      const reviewed = spec.reviewers.teams.length + spec.reviewers.users.length > 0;
      const environment = new RepositoryEnvironment(scopeOf, 'environment', {
        provider,
        repository,
        environment: spec.name,
        // Reviewers approve each deploy; nobody approves their own run, and admins cannot skip the
        // reviewers or the branch policy.
        preventSelfReview: reviewed,
        canAdminsBypass: false,
        reviewers: reviewed ? [{ teams: spec.reviewers.teams.map(teamId), users: spec.reviewers.users.map(userId) }] : undefined,
        // Only the deploy branch's runs may enter the environment (and see its token): no
        // pull request, and no other branch, can name it.
        deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
      });
      new RepositoryEnvironmentDeploymentPolicy(scopeOf, 'deploy-branch', {
        provider,
        repository,
        environment: environment.environment,
        branchPattern: props.deployBranch,
      });
      new ActionsEnvironmentSecret(scopeOf, ENVIRONMENT_SECRETS.TF_API_TOKEN, {
        provider,
        repository,
        environment: environment.environment,
        secretName: ENVIRONMENT_SECRETS.TF_API_TOKEN,
        plaintextValue: spec.deployToken,
      });
      environments[spec.name] = environment;
    }
    this.environments = environments;
    new ActionsSecret(this, REPOSITORY_SECRETS.TF_PLAN_TOKEN, {
      provider,
      repository,
      secretName: REPOSITORY_SECRETS.TF_PLAN_TOKEN,
      plaintextValue: props.pullRequestToken,
    });
    new ActionsSecret(this, REPOSITORY_SECRETS.CLOUDFLARE_READ_TOKEN, {
      provider,
      repository,
      secretName: REPOSITORY_SECRETS.CLOUDFLARE_READ_TOKEN,
      plaintextValue: props.cloudflareReadToken,
    });
  }
}
