/** The edge stack: Cloudflare in front of the origin. Changes with compute. */
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import type { Construct } from 'constructs';
import { DropStack, type DropStackProps } from './drop-stack';

export class EdgeStack extends DropStack {
  constructor(scope: Construct, props: DropStackProps) {
    super(scope, 'edge', props);
    // The API token comes from CLOUDFLARE_API_TOKEN at plan time, never from code or config.
    new CloudflareProvider(this, 'cloudflare', {});
  }
}
