/**
 * The Terraform Cloud side of the control plane: the project and one workspace per environment
 * and stack (remote execution, terraform pinned, nothing applied without a confirmed run), the
 * workload identity variables that give each run phase its own AWS role, the Cloudflare token of
 * the edge workspaces, and one team token per purpose:
 *
 * - a deploy team per environment, with write access to that environment's workspaces only: its
 *   token sits in that environment's GitHub environment (production's behind its approval);
 * - one pull-request team with read access to runs and state, nothing else: it cannot queue a run
 *   anywhere, so no pull request's code ever runs in a workspace (where the edge's Cloudflare
 *   token is). Pull-request plans run in GitHub Actions against a copy of the state.
 *
 * And the control workspace itself, in a project of its own, local execution: its state holds the
 * team tokens (the GitHub secrets have no write-only attribute), so only the owners team sees it.
 */
import { Project } from '@cdktf/provider-tfe/lib/project';
import type { TfeProvider } from '@cdktf/provider-tfe/lib/provider';
import { Team } from '@cdktf/provider-tfe/lib/team';
import { TeamAccess } from '@cdktf/provider-tfe/lib/team-access';
import { TeamToken } from '@cdktf/provider-tfe/lib/team-token';
import { Variable } from '@cdktf/provider-tfe/lib/variable';
import { VariableSet } from '@cdktf/provider-tfe/lib/variable-set';
import { Workspace } from '@cdktf/provider-tfe/lib/workspace';
import { WorkspaceSettings } from '@cdktf/provider-tfe/lib/workspace-settings';
import { WorkspaceVariableSet } from '@cdktf/provider-tfe/lib/workspace-variable-set';
import { Construct } from 'constructs';
import { type Naming, STACK_IDS, type StackId } from '../naming';

export interface TerraformCloudEnvironment {
  readonly naming: Naming;
  /** Production workspaces refuse destroy plans. */
  readonly production: boolean;
  /** The roles of the plan and the apply phase of its runs (AWS dynamic credentials). */
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
}

export interface TerraformCloudProps {
  readonly organization: string;
  /** The Terraform Cloud project of the environments' workspaces. */
  readonly workspaceProject: string;
  /** The Terraform Cloud project of the control workspace (owners only). */
  readonly controlProject: string;
  /** The control workspace's name. */
  readonly controlWorkspace: string;
  /** Every run's terraform, and every stack's `required_version`. */
  readonly terraformVersion: string;
  readonly environments: readonly TerraformCloudEnvironment[];
  /** The edit-capable Cloudflare token of the edge workspaces: an ephemeral value, written write-only. */
  readonly cloudflareApiToken: string;
  /** The platform's project name: the teams are `<project>-<env>-deploy` and `<project>-pull-requests`. */
  readonly project: string;
  readonly provider: TfeProvider;
}

export class TerraformCloud extends Construct {
  /** Each environment's deploy team token (name → token): write access to its own workspaces. */
  readonly deployTokens: Readonly<Record<string, string>>;
  /** The pull-request team token: read runs and state of every workspace, nothing else. */
  readonly pullRequestToken: string;
  readonly workspaces: Readonly<Record<string, Readonly<Record<StackId, Workspace>>>>;

  constructor(scope: Construct, id: string, props: TerraformCloudProps) {
    super(scope, id);
    const { organization, provider } = props;
    const project = new Project(this, 'project', { provider, organization, name: props.workspaceProject });
    const controlProject = new Project(this, 'control-project', { provider, organization, name: props.controlProject });
    const control = new Workspace(this, 'control-workspace', {
      provider,
      organization,
      name: props.controlWorkspace,
      projectId: controlProject.id,
      description: 'The bootstrap stack (cdktf deploy control): its state holds the GitHub secrets; owners only',
      terraformVersion: props.terraformVersion,
      autoApply: false,
      allowDestroyPlan: false,
    });
    // Local execution: the bootstrap runs on an administrator's machine with their credentials;
    // Terraform Cloud keeps its state.
    new WorkspaceSettings(this, 'control-settings', { provider, workspaceId: control.id, executionMode: 'local' });

    const pullRequests = new Team(this, 'pull-requests', {
      provider,
      organization,
      name: `${props.project}-pull-requests`,
      visibility: 'secret',
    });
    const workspaces: Record<string, Record<string, Workspace>> = {};
    const deployTokens: Record<string, string> = {};
    for (const env of props.environments) {
      const name = env.naming.environment;
      const scopeOf = new Construct(this, name);
      const credentials = new VariableSet(scopeOf, 'aws', {
        provider,
        organization,
        name: env.naming.resource('aws'),
        description: `AWS dynamic credentials of the ${env.naming.resource()} workspaces: a read-only role plans, the deploy role applies`,
      });
      const variables = {
        TFC_AWS_PROVIDER_AUTH: 'true',
        TFC_AWS_PLAN_ROLE_ARN: env.planRoleArn,
        TFC_AWS_APPLY_ROLE_ARN: env.applyRoleArn,
      };
      for (const [key, value] of Object.entries(variables)) {
        new Variable(scopeOf, key, { provider, variableSetId: credentials.id, key, value, category: 'env' });
      }
      const deploy = new Team(scopeOf, 'deploy-team', {
        provider,
        organization,
        name: env.naming.resource('deploy'),
        visibility: 'secret',
      });
      workspaces[name] = {};
      for (const stack of STACK_IDS) {
        const workspace = new Workspace(scopeOf, stack, {
          provider,
          organization,
          name: env.naming.workspace(stack),
          projectId: project.id,
          description: `The ${stack} stack of ${name} (cdktf deploy ${stack}, DROP_ENV=${name})`,
          terraformVersion: props.terraformVersion,
          autoApply: false,
          queueAllRuns: false,
          // No VCS connection: runs come from the CLI (the pipeline's cdktf deploy), and no
          // pull request's code runs here.
          speculativeEnabled: false,
          fileTriggersEnabled: false,
          allowDestroyPlan: !env.production,
          tagNames: [name, stack],
        });
        new WorkspaceSettings(scopeOf, `${stack}-settings`, { provider, workspaceId: workspace.id, executionMode: 'remote' });
        new WorkspaceVariableSet(scopeOf, `${stack}-aws`, { provider, workspaceId: workspace.id, variableSetId: credentials.id });
        new TeamAccess(scopeOf, `${stack}-deploy-access`, { provider, teamId: deploy.id, workspaceId: workspace.id, access: 'write' });
        new TeamAccess(scopeOf, `${stack}-pull-request-access`, {
          provider,
          teamId: pullRequests.id,
          workspaceId: workspace.id,
          permissions: [
            { runs: 'read', variables: 'none', stateVersions: 'read', sentinelMocks: 'none', workspaceLocking: false, runTasks: false },
          ],
        });
        if (stack === 'edge') {
          // Every run of the workspace sees it, plans included: only merged code runs here.
          new Variable(scopeOf, 'CLOUDFLARE_API_TOKEN', {
            provider,
            workspaceId: workspace.id,
            key: 'CLOUDFLARE_API_TOKEN',
            valueWo: props.cloudflareApiToken,
            category: 'env',
            sensitive: true,
            description: 'Cloudflare API token of the edge stack (zone settings, DNS, rulesets, Workers, health checks: edit)',
          });
        }
        workspaces[name][stack] = workspace;
      }
      deployTokens[name] = new TeamToken(scopeOf, 'deploy-token', {
        provider,
        teamId: deploy.id,
        description: `GitHub Actions, environment ${name}: cdktf deploy of ${env.naming.resource()}`,
      }).token;
    }
    this.workspaces = workspaces as Record<string, Record<StackId, Workspace>>;
    this.deployTokens = deployTokens;
    this.pullRequestToken = new TeamToken(this, 'pull-request-token', {
      provider,
      teamId: pullRequests.id,
      description: 'GitHub Actions, pull requests: reads the state the plans start from',
    }).token;
  }
}
