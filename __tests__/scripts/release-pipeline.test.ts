/**
 * npm run release as the pipeline runs it (--pipeline, --verified), with the real ECR and SSM
 * clients over the wire against the dry run's fake AWS: the pointer history it reads and writes.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../config';
import { FakeAws } from '../../scripts/dry-run/fake-aws';
import { markVerified, release } from '../../scripts/release';

const config = loadEnvironment('staging');

describe('npm run release in the pipeline (--pipeline, --verified), over the wire against the fake AWS', () => {
  const aws = new FakeAws();
  let wire: { ecr: ECRClient; ssm: SSMClient };
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const history = (service: string) =>
    (aws.state.parameters.get(`/drop/staging/release/${service}`) ?? []).map((p) => `${p.value.split('@')[0]}: ${p.description}`);

  beforeEach(async () => {
    aws.state.parameters.clear();
    aws.state.images.clear();
    lines.length = 0;
    for (const tag of ['c1', 'c2', 'c3']) for (const service of ['api', 'web']) aws.pushImage(`drop-staging/${service}`, tag);
    if (!aws.url) await aws.start();
    const options = { region: 'eu-west-1', endpoint: aws.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    wire = { ecr: new ECRClient(options), ssm: new SSMClient(options) };
  });
  afterAll(() => aws.stop());

  const ship = (tag: string, service = 'api') => release(wire, { config, service, tag, pipeline: true, run: '42' }, log);

  it('records a pipeline release as unverified, and marks it verified after the checks', async () => {
    await ship('c1');
    await ship('c1', 'web');
    await markVerified(wire.ssm, config, 'c1', log);
    expect(history('api')).toEqual([
      expect.stringMatching(/^c1: pipeline release of c1@sha256:\w+, unverified \(run 42\)/),
      expect.stringMatching(/^c1: verified c1@sha256:\w+: its health checks passed/),
    ]);
  });

  it('writes nothing when the release is current already (a re-run)', async () => {
    await ship('c1');
    await ship('c1');
    expect(history('api')).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^api in staging already runs release c1@sha256:\w+ \(v1\): nothing written$/);
  });

  it("refuses an older run's release once a newer one was recorded, and allows a retry after its own rollback", async () => {
    await ship('c1');
    await ship('c2');
    await expect(ship('c1')).rejects.toThrow(
      "api in staging: c1 was released before, and c2 after it (v2): this is an older run's release, and releasing it again would put staging back on an older commit. " +
        'Deliver the newer run; to go back on purpose: DROP_ENV=staging npm run rollback -- --to c1',
    );
    // c3 fails and is rolled back to c2: re-running c3's deploy tries c3 again
    const c3 = await ship('c3');
    const c2 = aws.state.parameters.get('/drop/staging/release/api')![1].value;
    aws.putParameter('/drop/staging/release/api', c2, `rolled back from ${c3} (to v2)`);
    await expect(ship('c3')).resolves.toBe(c3);
  });

  it('reports a current release an earlier run recorded and never verified, which is then no rollback target', async () => {
    await ship('c1');
    await ship('c1', 'web');
    await markVerified(wire.ssm, config, 'c1', log);
    await ship('c2'); // its job was killed before its checks
    await ship('c3');
    expect(
      lines.some((line) =>
        /^api in staging: the current release c2@sha256:\w+ \(v3\) was recorded by an earlier run and never verified/.test(line),
      ),
    ).toBe(true);
  });

  it('refuses to mark a release verified in a service that does not run it', async () => {
    await ship('c1');
    await ship('c2', 'web');
    await expect(markVerified(wire.ssm, config, 'c1', log)).rejects.toThrow(
      'web in staging runs c2 (v1), not c1: the checks that passed were not of its release, so nothing is marked verified',
    );
    expect(history('api')).toHaveLength(1);
  });
});
