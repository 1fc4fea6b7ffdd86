/** The compute stack: the api and web services. Changes with every release. */
import type { Construct } from 'constructs';
import { DropStack, type DropStackProps } from './drop-stack';

export class ComputeStack extends DropStack {
  constructor(scope: Construct, props: DropStackProps) {
    super(scope, 'compute', props);
  }
}
