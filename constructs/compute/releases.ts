/**
 * The release pointers of an environment's services: which image each one runs.
 *
 * After the scan gate passes, the pipeline (`npm run release`) writes `<tag>@sha256:<digest>` to
 * the SSM parameter `/<project>/<env>/release/<service>`; SSM keeps every version, so the
 * parameter's history is the release history rollback chooses from. The compute stack reads the
 * pointers here, so `cdktf deploy compute edge` needs no image variables, and an infrastructure
 * change never changes (or rolls back) an image by accident.
 */
import { DataAwsSsmParametersByPath } from '@cdktf/provider-aws/lib/data-aws-ssm-parameters-by-path';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { Naming } from '../naming';
import { RELEASE_VALUE, releaseCommand } from './release-pointer';

export interface ReleasesProps {
  readonly naming: Naming;
  /** The services whose pointers must exist. */
  readonly services: readonly string[];
}

export class Releases extends Construct {
  private readonly pointers: DataAwsSsmParametersByPath;
  private readonly naming: Naming;

  constructor(scope: Construct, id: string, props: ReleasesProps) {
    super(scope, id);
    this.naming = props.naming;
    // One read of the folder rather than one data source per pointer: a missing pointer then
    // fails the plan with a message that names the command, not AWS's ParameterNotFound.
    this.pointers = new DataAwsSsmParametersByPath(this, 'pointers', { path: props.naming.releasePath() });
    const names = '${join(", ", self.names)}';
    this.pointers.addOverride('lifecycle.postcondition', [
      ...props.services.map((service) => ({
        condition: `\${contains(self.names, "${props.naming.release(service)}")}`,
        error_message:
          `No release of ${service} is recorded for ${props.naming.environment} (SSM parameter ${props.naming.release(service)}). ` +
          `Push and scan its image, then run: ${releaseCommand(props.naming.environment, service)}`,
      })),
      {
        condition: `\${alltrue([for v in nonsensitive(self.values) : can(regex("${RELEASE_VALUE.replace(/\\/g, '\\\\')}", v))])}`,
        error_message: `A release pointer under ${props.naming.releasePath()} does not hold "<tag>@sha256:<64 hex digits>": write it with npm run release, never by hand (pointers: ${names}).`,
      },
    ]);
  }

  private value(service: string): string {
    const values = Fn.nonsensitive(this.pointers.values);
    return Fn.element(values, Token.asNumber(Fn.index(this.pointers.names, this.naming.release(service))));
  }

  /** The image digest `sha256:...` the service runs. */
  digest(service: string): string {
    return Fn.element(Fn.split('@', this.value(service)), 1);
  }

  /** The tag of the release (`APP_VERSION`). */
  tag(service: string): string {
    return Fn.element(Fn.split('@', this.value(service)), 0);
  }
}
