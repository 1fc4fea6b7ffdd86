/** What every stack of an environment has: its backend and an AWS provider with default tags. */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { Naming, type StackId } from '../constructs/naming';
import { configureBackend } from './backend';

export interface DropStackProps {
  readonly config: EnvironmentConfig;
}

export class DropStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly naming: Naming;

  constructor(scope: Construct, id: StackId, props: DropStackProps) {
    super(scope, id);
    this.config = props.config;
    this.naming = new Naming(props.config);
    configureBackend(this, id, props.config, this.naming);
    new AwsProvider(this, 'aws', {
      region: props.config.aws.region,
      allowedAccountIds: props.config.aws.allowedAccountIds ?? [props.config.aws.accountId],
      defaultTags: [{ tags: this.naming.tags(id) }],
    });
  }
}
