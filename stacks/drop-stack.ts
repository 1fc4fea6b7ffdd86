/**
 * What every stack of an environment has: its backend, the pinned terraform, an AWS provider with
 * default tags, the environment's permissions boundary on every role it creates, and a check that
 * the bootstrap (the control stack) made the environment's identities first.
 */
import { DataAwsIamRoles } from '@cdktf/provider-aws/lib/data-aws-iam-roles';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Aspects, TerraformStack } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { boundaryArn, roleName } from '../constructs/identity/environment-identities';
import { Naming, type StackId } from '../constructs/naming';
import { configureBackend } from './backend';
import { requireTerraform } from './terraform';

export interface DropStackProps {
  readonly config: EnvironmentConfig;
}

/** The command that makes every environment's identities, workspaces and GitHub environment. */
export const BOOTSTRAP_COMMAND = 'npx cdktf deploy control';

export class DropStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly naming: Naming;

  constructor(scope: Construct, id: StackId, props: DropStackProps) {
    super(scope, id);
    this.config = props.config;
    this.naming = new Naming(props.config);
    requireTerraform(this);
    configureBackend(this, id, props.config, this.naming);
    new AwsProvider(this, 'aws', {
      region: props.config.aws.region,
      allowedAccountIds: props.config.aws.allowedAccountIds ?? [props.config.aws.accountId],
      defaultTags: [{ tags: this.naming.tags(id) }],
    });
    // The Terraform Cloud apply role may only create roles inside the environment's boundary.
    const boundary = boundaryArn(this.naming, props.config.aws.accountId);
    Aspects.of(this).add({
      visit(node: IConstruct) {
        if (node instanceof IamRole && node.permissionsBoundaryInput === undefined) node.permissionsBoundary = boundary;
      },
    });
    const applyRole = roleName(this.naming, 'tfc-apply');
    const controlPlane = new DataAwsIamRoles(this, 'control-plane', { nameRegex: `^${applyRole}$` });
    controlPlane.addOverride('lifecycle.postcondition', [
      {
        condition: '${length(self.names) == 1}',
        error_message:
          `The control plane of ${this.naming.environment} is missing (no role ${applyRole} in account ${props.config.aws.accountId}): ` +
          `run the bootstrap first: ${BOOTSTRAP_COMMAND} (docs/deploying.md, "Bootstrap").`,
      },
    ]);
  }
}
