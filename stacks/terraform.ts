/**
 * The one terraform version of the platform: every stack's `required_version`, every Terraform
 * Cloud workspace's `terraform_version`, and the version the workflows install all come from
 * `TERRAFORM_VERSION` (a test checks the workflows and `.terraform-version`). The data stack needs
 * 1.11 or later (write-only attributes, ephemeral resources); an older workspace could not parse it.
 */
import type { TerraformStack } from 'cdktf';

export const TERRAFORM_VERSION = '1.11.4';

/** This version's patch releases: state and plan formats stay those of the version the runs use. */
export const REQUIRED_TERRAFORM_VERSION = `~> ${TERRAFORM_VERSION}`;

/** Declares `required_version` in `stack`. */
export function requireTerraform(stack: TerraformStack): void {
  stack.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
}
