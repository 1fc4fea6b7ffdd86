/**
 * npm run registry-image: the push step's re-run safety. The digest of a tag (the real ECR client
 * against the dry run's fake AWS), and the check that every registry holds one image per service.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAws, fakeDigest } from '../../scripts/dry-run/fake-aws';
import { type ImageRecord, digestOf, disagreements } from '../../scripts/registry-image';

const record = (repository: string, digest: string, reused: boolean): ImageRecord => ({ repository, tag: 'c2', digest, reused });
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('npm run registry-image', () => {
  const aws = new FakeAws();
  let ecr: ECRClient;
  beforeAll(async () => {
    const endpoint = await aws.start();
    ecr = new ECRClient({ region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    aws.pushImage('drop-staging/api', 'c1');
  });
  afterAll(() => aws.stop());

  it('reads the digest of a tag the registry holds, and none for one it does not', async () => {
    expect(await digestOf(ecr, 'drop-staging/api', 'c1')).toBe(fakeDigest('drop-staging/api', 'c1'));
    expect(await digestOf(ecr, 'drop-staging/api', 'c2')).toBeUndefined();
  });

  it('accepts one image per service, pushed by this run or reused from an earlier one', () => {
    expect(
      disagreements([record('drop-staging/api', A, true), record('drop-production/api', A, true), record('drop-staging/web', B, false)]),
    ).toEqual([]);
  });

  it("refuses a re-run that reused an earlier run's image in one registry and pushed its rebuild to another", () => {
    expect(disagreements([record('drop-staging/api', A, true), record('drop-production/api', B, false)])).toEqual([
      `api: drop-staging/api:c2 is an earlier run's image (sha256:aaaaaaaaaaaa…), but drop-production/api:c2 got this run's rebuild (sha256:bbbbbbbbbbbb…): ` +
        'a re-run after a partial push rebuilt the image, so the environments would run different images. Nothing was released. ' +
        'Push a new commit to release again (tags cannot be overwritten).',
    ]);
  });

  it('refuses registries that hold different images for one tag', () => {
    expect(disagreements([record('drop-staging/api', A, false), record('drop-production/api', B, false)])).toEqual([
      'api: the registries hold different images for one tag (drop-staging/api sha256:aaaaaaaaaaaa…, drop-production/api sha256:bbbbbbbbbbbb…); nothing was released',
    ]);
  });
});
