import { DescribeImageScanFindingsCommand, ECRClient, type FindingSeverity } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { judge, parseCommandLine, scanGate } from '../../scripts/scan-gate';

const ecr = mockClient(ECRClient);
// The infra project shares one module graph per worker (isolate: false): give the clients back to the next file.
afterAll(() => {
  ecr.restore();
});
const client = new ECRClient({ region: 'eu-west-1' });
const options = { repository: 'drop-staging/api', tag: '3f2a9c1', maxWaitSeconds: 30 };
const quiet = () => undefined;

function scanned(counts: Record<string, number>, findings: { name: string; severity: FindingSeverity }[] = []) {
  ecr.on(DescribeImageScanFindingsCommand).resolves({
    imageScanStatus: { status: 'COMPLETE' },
    imageScanFindings: { findingSeverityCounts: counts, findings },
  });
}

describe('the scan gate', () => {
  beforeEach(() => ecr.reset());

  it('passes an image without HIGH or CRITICAL findings', async () => {
    scanned({ MEDIUM: 2, LOW: 5 });
    const result = await scanGate(client, options, quiet);
    expect(result.verdict).toBe('pass');
    expect(result.message).toBe('drop-staging/api:3f2a9c1 passed the scan (MEDIUM 2, LOW 5).');
  });

  it('warns on HIGH findings and names them', async () => {
    scanned({ HIGH: 1, MEDIUM: 1 }, [
      { name: 'CVE-2026-1111', severity: 'HIGH' },
      { name: 'CVE-2026-2222', severity: 'MEDIUM' },
    ]);
    const result = await scanGate(client, options, quiet);
    expect(result.verdict).toBe('warn');
    expect(result.message).toBe(
      'drop-staging/api:3f2a9c1 has HIGH findings (HIGH 1, MEDIUM 1): CVE-2026-1111. Deploying anyway; fix them soon.',
    );
  });

  it('blocks on CRITICAL findings, whatever else there is', async () => {
    scanned({ CRITICAL: 1, HIGH: 3 }, [{ name: 'CVE-2026-9999', severity: 'CRITICAL' }]);
    const result = await scanGate(client, options, quiet);
    expect(result.verdict).toBe('block');
    expect(result.message).toContain('has CRITICAL findings (CRITICAL 1, HIGH 3): CVE-2026-9999. Deploy blocked.');
  });

  it('reads enhanced (Inspector) findings too', async () => {
    ecr.on(DescribeImageScanFindingsCommand).resolves({
      imageScanStatus: { status: 'ACTIVE' },
      imageScanFindings: {
        findingSeverityCounts: { CRITICAL: 1 },
        enhancedFindings: [{ severity: 'CRITICAL', packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2026-7777', source: 'NVD' } }],
      },
    });
    expect((await scanGate(client, options, quiet)).message).toContain('CVE-2026-7777');
  });

  it('waits while the scan runs', async () => {
    ecr
      .on(DescribeImageScanFindingsCommand)
      .rejectsOnce(Object.assign(new Error('not yet'), { name: 'ScanNotFoundException' }))
      .resolvesOnce({ imageScanStatus: { status: 'IN_PROGRESS' } })
      .resolves({ imageScanStatus: { status: 'COMPLETE' }, imageScanFindings: { findingSeverityCounts: {} } });
    const result = await scanGate(client, { ...options, pollSeconds: 0 }, quiet);
    expect(result.verdict).toBe('pass');
    expect(ecr.commandCalls(DescribeImageScanFindingsCommand)).toHaveLength(3);
  });

  it('gives up when the scan does not complete in time', async () => {
    ecr.on(DescribeImageScanFindingsCommand).resolves({ imageScanStatus: { status: 'IN_PROGRESS' } });
    await expect(scanGate(client, { ...options, maxWaitSeconds: 0, pollSeconds: 0 }, quiet)).rejects.toThrow(
      'Scan of drop-staging/api:3f2a9c1 did not complete within 0 s',
    );
  });

  it('fails when the scan itself failed', async () => {
    ecr.on(DescribeImageScanFindingsCommand).resolves({ imageScanStatus: { status: 'FAILED', description: 'UnsupportedImageError' } });
    await expect(scanGate(client, options, quiet)).rejects.toThrow('Scan of drop-staging/api:3f2a9c1 ended FAILED: UnsupportedImageError');
  });

  it('fails when the image does not exist', async () => {
    ecr
      .on(DescribeImageScanFindingsCommand)
      .rejects(Object.assign(new Error('The image with imageId {imageTag:3f2a9c1} does not exist'), { name: 'ImageNotFoundException' }));
    await expect(scanGate(client, options, quiet)).rejects.toThrow(
      'Cannot read the scan of drop-staging/api:3f2a9c1: The image with imageId {imageTag:3f2a9c1} does not exist',
    );
  });

  it('applies the required policy (docs/requirements.md, Delivery pipeline): block on CRITICAL, warn on HIGH', () => {
    expect(judge({})).toBe('pass');
    expect(judge({ LOW: 9, MEDIUM: 9, INFORMATIONAL: 9, UNDEFINED: 9 })).toBe('pass');
    expect(judge({ HIGH: 1 })).toBe('warn');
    expect(judge({ CRITICAL: 1 })).toBe('block');
  });

  it('refuses a command line without a tag', () => {
    expect(() => parseCommandLine(['--repository', 'drop-staging/api'])).toThrow('--tag is required');
  });
});
