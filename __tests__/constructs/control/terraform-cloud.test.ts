import { Project } from '@cdktf/provider-tfe/lib/project';
import { TfeProvider } from '@cdktf/provider-tfe/lib/provider';
import { Team } from '@cdktf/provider-tfe/lib/team';
import { Workspace } from '@cdktf/provider-tfe/lib/workspace';
import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { TerraformCloud } from '../../../constructs/control/terraform-cloud';
import { Naming, STACK_IDS } from '../../../constructs/naming';
import { testApp } from '../../helpers';

/** A test stack holding only the Terraform Cloud construct, for a staging and a production environment. */
function terraformCloud() {
  const stack = new TerraformStack(testApp(), 'test');
  const provider = new TfeProvider(stack, 'tfe', {});
  const environment = (name: string, production: boolean) => ({
    naming: new Naming({ project: 'drop', name }),
    production,
    planRoleArn: `arn:aws:iam::123456789012:role/drop-${name}-tfc-plan`,
    applyRoleArn: `arn:aws:iam::123456789012:role/drop-${name}-tfc-apply`,
  });
  new TerraformCloud(stack, 'tfc', {
    provider,
    organization: 'getdrop',
    workspaceProject: 'drop-platform',
    controlProject: 'drop-control',
    controlWorkspace: 'drop-control',
    project: 'drop',
    terraformVersion: '1.11.4',
    cloudflareApiToken: '${var.cloudflare_api_token}',
    environments: [environment('staging', false), environment('production', true)],
  });
  const json = Testing.synth(stack);
  const parsed = JSON.parse(json);
  const of = (type: string) => Object.entries<any>(parsed.resource[type] ?? {});
  /** The name of the workspace a `${tfe_workspace.x.id}` reference names. */
  const workspaceName = (reference: string) => parsed.resource.tfe_workspace[/tfe_workspace\.([^.]+)\.id/.exec(reference)![1]].name;
  return { json, of, workspaceName };
}

describe('TerraformCloud', () => {
  it('makes the project, four workspaces per environment with terraform pinned and no auto-apply, and the control workspace in its own project', () => {
    // GIVEN / WHEN
    const { json, of } = terraformCloud();
    // THEN
    expect(json).toHaveResourceWithProperties(Project, { name: 'drop-platform', organization: 'getdrop' });
    expect(json).toHaveResourceWithProperties(Project, { name: 'drop-control', organization: 'getdrop' });
    expect(
      of('tfe_workspace')
        .map(([, w]) => w.name)
        .sort(),
    ).toEqual(['drop-control', ...['staging', 'production'].flatMap((env) => STACK_IDS.map((stack) => `drop-${env}-${stack}`))].sort());
    for (const [, workspace] of of('tfe_workspace')) {
      expect(workspace).toMatchObject({ terraform_version: '1.11.4', auto_apply: false });
      expect(workspace.execution_mode).toBeUndefined();
    }
    expect(json).toHaveResourceWithProperties(Workspace, {
      name: 'drop-production-data',
      allow_destroy_plan: false,
      speculative_enabled: false,
      queue_all_runs: false,
    });
  });

  it('sets remote execution on the environments and local execution on the control workspace', () => {
    const { of, workspaceName } = terraformCloud();
    const modes = Object.fromEntries(of('tfe_workspace_settings').map(([, s]) => [workspaceName(s.workspace_id), s.execution_mode]));
    expect(modes['drop-control']).toBe('local');
    expect(modes['drop-staging-edge']).toBe('remote');
    expect(Object.values(modes).filter((mode) => mode === 'remote')).toHaveLength(8);
  });

  it('gives every workspace of an environment its plan and apply roles through one variable set', () => {
    const { of } = terraformCloud();
    const variables = of('tfe_variable').filter(([, v]) => v.variable_set_id !== undefined);
    expect(
      variables
        .filter(([, v]) => v.key === 'TFC_AWS_APPLY_ROLE_ARN')
        .map(([, v]) => v.value)
        .sort(),
    ).toEqual(['arn:aws:iam::123456789012:role/drop-production-tfc-apply', 'arn:aws:iam::123456789012:role/drop-staging-tfc-apply']);
    expect(variables.map(([, v]) => v.key).sort()).toEqual(
      ['TFC_AWS_APPLY_ROLE_ARN', 'TFC_AWS_PLAN_ROLE_ARN', 'TFC_AWS_PROVIDER_AUTH'].flatMap((key) => [key, key]).sort(),
    );
    expect(of('tfe_workspace_variable_set')).toHaveLength(8);
  });

  it('writes the Cloudflare token write-only into the edge workspaces only', () => {
    const { of, workspaceName } = terraformCloud();
    const tokens = of('tfe_variable').filter(([, v]) => v.key === 'CLOUDFLARE_API_TOKEN');
    expect(tokens.map(([, v]) => workspaceName(v.workspace_id)).sort()).toEqual(['drop-production-edge', 'drop-staging-edge']);
    for (const [, token] of tokens) expect(token).toMatchObject({ value_wo: '${var.cloudflare_api_token}', sensitive: true });
  });

  it("gives each deploy team write access to its environment's workspaces, and the pull-request team read access to runs and state only", () => {
    const { json, of } = terraformCloud();
    expect(json).toHaveResourceWithProperties(Team, { name: 'drop-staging-deploy', visibility: 'secret' });
    expect(json).toHaveResourceWithProperties(Team, { name: 'drop-pull-requests', visibility: 'secret' });
    const access = of('tfe_team_access');
    expect(access.filter(([, a]) => a.access === 'write')).toHaveLength(8);
    const pr = access.filter(([, a]) => a.permissions !== undefined);
    expect(pr).toHaveLength(8);
    for (const [, a] of pr) {
      expect(a.permissions).toEqual([
        { runs: 'read', variables: 'none', state_versions: 'read', sentinel_mocks: 'none', workspace_locking: false, run_tasks: false },
      ]);
    }
    expect(of('tfe_team_token')).toHaveLength(3);
  });
});
