import { DescribeImagesCommand, DescribeImageScanFindingsCommand, ECRClient, ImageNotFoundException } from '@aws-sdk/client-ecr';
import { GetParameterHistoryCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../config';
import { RELEASE_VALUE } from '../../constructs/compute/release-pointer';
import { ReleaseError, parseCommandLine, release } from '../../scripts/release';

const ecr = mockClient(ECRClient);
const ssm = mockClient(SSMClient);
// The infra project shares one module graph per worker (isolate: false): give the clients back to the next file.
afterAll(() => {
  ecr.restore();
  ssm.restore();
});
const clients = { ecr: new ECRClient({ region: 'eu-west-1' }), ssm: new SSMClient({ region: 'eu-west-1' }) };
const config = loadEnvironment('staging');
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const quiet = () => undefined;

function image(scan: { status: string; counts?: Record<string, number> }) {
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: DIGEST, imageTags: ['3f2a9c1'] }] });
  ecr.on(DescribeImageScanFindingsCommand).resolves({
    imageScanStatus: { status: scan.status as never },
    imageScanFindings: { findingSeverityCounts: scan.counts ?? {} },
  });
}

describe('npm run release', () => {
  beforeEach(() => {
    ecr.reset();
    ssm.reset();
    ssm.on(PutParameterCommand).resolves({ Version: 4 });
    ssm.on(GetParameterHistoryCommand).resolves({ Parameters: [] });
  });

  it("records <tag>@<digest> of a scanned image as the service's release pointer", async () => {
    // GIVEN a pushed image whose scan passed with a HIGH finding (the gate warns, it does not block)
    image({ status: 'COMPLETE', counts: { HIGH: 1 } });
    // WHEN
    const value = await release(clients, { config, service: 'api', tag: '3f2a9c1' }, quiet);
    // THEN
    expect(value).toBe(`3f2a9c1@${DIGEST}`);
    expect(value).toMatch(new RegExp(RELEASE_VALUE));
    expect(ecr.commandCalls(DescribeImagesCommand)[0].args[0].input).toEqual({
      repositoryName: 'drop-staging/api',
      imageIds: [{ imageTag: '3f2a9c1' }],
    });
    expect(ssm.commandCalls(PutParameterCommand)[0].args[0].input).toMatchObject({
      Name: '/drop/staging/release/api',
      Value: `3f2a9c1@${DIGEST}`,
      Type: 'String',
      Overwrite: true,
    });
  });

  it("takes a digest, and records the image's tag with it", async () => {
    image({ status: 'COMPLETE' });
    expect(await release(clients, { config, service: 'web', tag: DIGEST }, quiet)).toBe(`3f2a9c1@${DIGEST}`);
    expect(ecr.commandCalls(DescribeImagesCommand)[0].args[0].input.imageIds).toEqual([{ imageDigest: DIGEST }]);
  });

  it('refuses an image that is not in the registry, and writes nothing', async () => {
    ecr.on(DescribeImagesCommand).rejects(new ImageNotFoundException({ message: 'not found', $metadata: {} }));
    await expect(release(clients, { config, service: 'api', tag: 'nope' }, quiet)).rejects.toThrow(
      'drop-staging/api:nope is not in the staging registry; push it (and let the scan gate pass) before releasing it',
    );
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  it('refuses an image whose scan has not completed', async () => {
    image({ status: 'IN_PROGRESS' });
    await expect(release(clients, { config, service: 'api', tag: '3f2a9c1' }, quiet)).rejects.toThrow(
      'drop-staging/api:3f2a9c1 has no completed scan (status IN_PROGRESS); wait for the scan gate, then release',
    );
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  it('refuses an image with CRITICAL findings', async () => {
    image({ status: 'COMPLETE', counts: { CRITICAL: 2 } });
    await expect(release(clients, { config, service: 'api', tag: '3f2a9c1' }, quiet)).rejects.toThrow(
      'drop-staging/api:3f2a9c1 has CRITICAL findings (2); the scan gate blocks it, so it cannot be released',
    );
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  it('refuses an unknown service and a malformed tag before asking AWS', async () => {
    await expect(release(clients, { config, service: 'worker', tag: 'v1' }, quiet)).rejects.toThrow(
      '--service "worker" is not a service of the platform; expected one of web, api',
    );
    await expect(release(clients, { config, service: 'api', tag: 'sha256:xyz' }, quiet)).rejects.toThrow(ReleaseError);
    expect(ecr.calls()).toHaveLength(0);
  });

  it('names every missing argument', () => {
    expect(() => parseCommandLine(['--env', 'staging'])).toThrow(
      'Missing --service, --tag. Usage: npm run release -- --env <environment> --service <api|web> --tag <tag|sha256:digest> [--pipeline]',
    );
    expect(() => parseCommandLine(['--env', 'staging', '--verified', 'c2', '--service', 'api'])).toThrow(
      'Usage: npm run release -- --env <environment> --verified <tag> (no --service or --tag: it marks every service that runs <tag>)',
    );
    expect(parseCommandLine(['--env', 'staging', '--service', 'api', '--tag', 'c2', '--pipeline'])).toEqual({
      mode: 'release',
      env: 'staging',
      service: 'api',
      tag: 'c2',
      pipeline: true,
    });
  });
});
