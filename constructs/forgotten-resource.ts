/**
 * A Terraform `removed` block (terraform >= 1.7) with `destroy = false`: the resource that a
 * construct of this id used to create leaves the state without being deleted. Its Terraform
 * address is the one a resource of the same id in the same place had, so the block names exactly
 * what an earlier version of the construct created. cdktf 0.21 has no construct for the block.
 */
import { TerraformElement } from 'cdktf';
import type { Construct } from 'constructs';

export class ForgottenResource extends TerraformElement {
  private readonly resourceType: string;

  /** `resourceType`: the Terraform type the resource had, e.g. `aws_acm_certificate`. */
  constructor(scope: Construct, id: string, resourceType: string) {
    super(scope, id);
    this.resourceType = resourceType;
  }

  /** The address the block names, e.g. `aws_acm_certificate.api_certificate_1F5D9D1D`. */
  get address(): string {
    return `${this.resourceType}.${this.friendlyUniqueId}`;
  }

  override toTerraform(): Record<string, unknown> {
    return { removed: [{ from: this.address, lifecycle: { destroy: false } }] };
  }

  override toHclTerraform(): Record<string, unknown> {
    return this.toTerraform();
  }
}
