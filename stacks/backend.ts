/** The Terraform backend of a stack, from the environment file. */
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from '../config';
import type { Naming, StackId } from '../constructs/naming';

export function configureBackend(stack: TerraformStack, id: StackId, config: EnvironmentConfig, naming: Naming): void {
  const backend = config.backend;
  switch (backend.type) {
    case 'local':
      // Relative to the stack's working directory, cdktf.out/stacks/<id>: the state stays at the
      // project root (never inside cdktf.out, which synth rewrites) and out of the synth output.
      new LocalBackend(stack, { path: `../../../${naming.localStateFile(id)}` });
      return;
    case 's3': {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: naming.stateKey(id),
        region: backend.region,
        encrypt: true,
        dynamodbTable: backend.dynamodbTable,
      });
      // S3-native locking (Terraform 1.10+); cdktf 0.21 predates the typed option.
      if (backend.dynamodbTable === undefined) s3.addOverride('use_lockfile', true);
      return;
    }
    case 'cloud':
      new CloudBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: new NamedCloudWorkspace(naming.workspace(id), backend.project),
      });
      return;
  }
}
