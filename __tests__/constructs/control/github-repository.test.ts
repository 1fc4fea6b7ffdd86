import { ActionsEnvironmentSecret } from '@cdktf/provider-github/lib/actions-environment-secret';
import { ActionsSecret } from '@cdktf/provider-github/lib/actions-secret';
import { DataGithubTeam } from '@cdktf/provider-github/lib/data-github-team';
import { DataGithubUser } from '@cdktf/provider-github/lib/data-github-user';
import { GithubProvider } from '@cdktf/provider-github/lib/provider';
import { RepositoryEnvironment } from '@cdktf/provider-github/lib/repository-environment';
import { RepositoryEnvironmentDeploymentPolicy } from '@cdktf/provider-github/lib/repository-environment-deployment-policy';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { GithubRepository } from '../../../constructs/control/github-repository';
import { testApp } from '../../helpers';

/** A test stack holding only the GitHub construct, for an unreviewed and a reviewed environment. */
function repository() {
  const stack = new TerraformStack(testApp(), 'test');
  new GithubRepository(stack, 'repo', {
    provider: new GithubProvider(stack, 'github', { owner: 'getdrop' }),
    repository: 'drop-platform',
    deployBranch: 'main',
    pullRequestToken: 'pr-token',
    cloudflareReadToken: 'cf-read',
    environments: [
      { name: 'staging', reviewers: { teams: [], users: [] }, deployToken: 'staging-token' },
      { name: 'production', reviewers: { teams: ['platform-leads'], users: ['octocat'] }, deployToken: 'production-token' },
    ],
  });
  const json = Testing.synth(stack);
  return { json, parsed: JSON.parse(json) };
}

describe('GithubRepository', () => {
  it('admits only the deploy branch to every environment, with no admin bypass', () => {
    // GIVEN / WHEN
    const { json, parsed } = repository();
    // THEN
    for (const environment of ['staging', 'production']) {
      expect(json).toHaveResourceWithProperties(RepositoryEnvironment, {
        environment,
        can_admins_bypass: false,
        deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
      });
    }
    expect(json).toHaveResourceWithProperties(RepositoryEnvironmentDeploymentPolicy, { branch_pattern: 'main' });
    expect(Object.keys(parsed.resource.github_repository_environment_deployment_policy)).toHaveLength(2);
  });

  it('requires the reviewers, by their ids, without self-review, only where there are reviewers', () => {
    const { json, parsed } = repository();
    expect(json).toHaveDataSourceWithProperties(DataGithubTeam, { slug: 'platform-leads' });
    expect(json).toHaveDataSourceWithProperties(DataGithubUser, { username: 'octocat' });
    const environments = Object.fromEntries(
      Object.values<any>(parsed.resource.github_repository_environment).map((e) => [e.environment, e]),
    );
    expect(environments.production.prevent_self_review).toBe(true);
    expect(environments.production.reviewers).toEqual([
      {
        teams: [expect.stringMatching(/data\.github_team\.repo_team-platform-leads_/)],
        users: [expect.stringMatching(/data\.github_user\.repo_user-octocat_/)],
      },
    ]);
    expect(environments.staging.reviewers).toBeUndefined();
    expect(environments.staging.prevent_self_review).toBe(false);
  });

  it("puts each environment's deploy token in that environment only, and the read tokens in the repository", () => {
    const { json, parsed } = repository();
    const secrets = Object.values<any>(parsed.resource.github_actions_environment_secret);
    expect(secrets.map((s) => [s.secret_name, s.plaintext_value]).sort()).toEqual([
      ['TF_API_TOKEN', 'production-token'],
      ['TF_API_TOKEN', 'staging-token'],
    ]);
    expect(json).toHaveResourceWithProperties(ActionsEnvironmentSecret, { secret_name: 'TF_API_TOKEN', plaintext_value: 'staging-token' });
    expect(json).toHaveResourceWithProperties(ActionsSecret, { secret_name: 'TF_PLAN_TOKEN', plaintext_value: 'pr-token' });
    expect(json).toHaveResourceWithProperties(ActionsSecret, { secret_name: 'CLOUDFLARE_READ_TOKEN', plaintext_value: 'cf-read' });
    expect(Object.keys(parsed.resource.github_actions_secret)).toHaveLength(2);
  });
});
