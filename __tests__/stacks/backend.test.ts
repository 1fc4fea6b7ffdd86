import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { STACK_IDS } from '../../constructs/naming';
import { parseEnvironment } from '../../config';
import { DropStack } from '../../stacks/drop-stack';
import { rawEnvironment, synthPlatform, testApp } from '../helpers';

/**
 * The terraform block of each stack of an environment with this backend. Every stack of the
 * platform is a DropStack, which sets the backend, so each is built on its own in a test app
 * (the last test below checks the platform's stacks against it).
 */
function terraformBlocks(name: string, backend: Record<string, unknown>) {
  const config = parseEnvironment({ ...rawEnvironment(name), backend }, `${name}.json`);
  const app = testApp();
  return Object.fromEntries(STACK_IDS.map((id) => [id, JSON.parse(Testing.synth(new DropStack(app, id, { config }))).terraform]));
}

describe('backends', () => {
  it('keeps local state at the project root, one file per environment and stack', () => {
    // GIVEN / WHEN
    const blocks = terraformBlocks('staging', { type: 'local' });
    // THEN: relative to cdktf.out/stacks/<stack>, never an absolute path of this machine
    for (const id of STACK_IDS) {
      expect(blocks[id].backend).toEqual({ local: { path: `../../../terraform.drop-staging-${id}.tfstate` } });
    }
  });

  it('uses S3 with encryption and native locking, keyed by environment and stack', () => {
    const blocks = terraformBlocks('production', { type: 's3', bucket: 'drop-terraform-state', region: 'eu-west-1' });
    expect(blocks.data.backend).toEqual({
      s3: { bucket: 'drop-terraform-state', key: 'drop/production/data.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });

  it('uses a DynamoDB lock table instead of the lock file when one is configured', () => {
    const blocks = terraformBlocks('production', {
      type: 's3',
      bucket: 'drop-terraform-state',
      region: 'eu-west-1',
      dynamodbTable: 'terraform-locks',
    });
    expect(blocks.compute.backend.s3.dynamodb_table).toBe('terraform-locks');
    expect(blocks.compute.backend.s3.use_lockfile).toBeUndefined();
  });

  it('uses one Terraform Cloud workspace per environment and stack, named drop-<env>-<stack>', () => {
    const blocks = terraformBlocks('production', { type: 'cloud', organization: 'getdrop', project: 'drop-platform' });
    for (const id of STACK_IDS) {
      expect(blocks[id].cloud).toEqual({
        hostname: 'app.terraform.io',
        organization: 'getdrop',
        workspaces: { name: `drop-production-${id}`, project: 'drop-platform' },
      });
      expect(blocks[id].backend).toBeUndefined();
    }
  });

  it.each([
    ['local', { type: 'local' }],
    ['s3', { type: 's3', bucket: 'drop-terraform-state', region: 'eu-west-1' }],
    ['cloud', { type: 'cloud', organization: 'getdrop' }],
  ])('never gives two environments the same %s state', (_, backend) => {
    const locations = ['staging', 'production'].flatMap((name) =>
      Object.values(terraformBlocks(name, backend)).map((block) => JSON.stringify(block.backend ?? block.cloud)),
    );
    expect(new Set(locations).size).toBe(2 * STACK_IDS.length);
  });

  it.each(['staging', 'production', 'production-stockholm'])(
    'gives every stack of the %s platform the backend of a DropStack of its id',
    (name) => {
      // GIVEN the shipped environment WHEN its platform is synthesized
      const platform = synthPlatform(name);
      const own = terraformBlocks(name, rawEnvironment(name).backend as Record<string, unknown>);
      // THEN each stack's state location is the one tested above for a stack of that id
      for (const id of STACK_IDS) {
        const { backend, cloud } = platform.parsed(id).terraform;
        expect({ backend, cloud }).toEqual({ backend: own[id].backend, cloud: own[id].cloud });
      }
    },
  );
});
