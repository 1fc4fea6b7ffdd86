/** The data stack: network and RDS PostgreSQL. Changes rarely, and carefully. */
import type { Construct } from 'constructs';
import { DropStack, type DropStackProps } from './drop-stack';

export class DataStack extends DropStack {
  constructor(scope: Construct, props: DropStackProps) {
    super(scope, 'data', props);
  }
}
