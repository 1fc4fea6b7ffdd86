/**
 * The image scan gate: waits for ECR's scan of a pushed image, then applies the severity policy of
 * docs/requirements.md (Delivery pipeline): block on CRITICAL findings, warn on HIGH, pass otherwise.
 *
 *   npm run scan-gate -- --repository drop-staging/api --tag 3f2a9c1 [--region eu-west-1] [--max-wait 300]
 */
import { DescribeImageScanFindingsCommand, type DescribeImageScanFindingsCommandOutput, ECRClient } from '@aws-sdk/client-ecr';
import { parseArgs } from 'node:util';

export interface GateOptions {
  readonly repository: string;
  readonly tag: string;
  readonly maxWaitSeconds: number;
  /** Seconds between polls while the scan runs. @default 5 */
  readonly pollSeconds?: number;
}

/** Scan states that mean "findings are final" (basic scanning) or "continuously kept" (enhanced). */
const DONE = ['COMPLETE', 'ACTIVE'];
const RUNNING = ['IN_PROGRESS', 'PENDING'];

export type Verdict = 'pass' | 'warn' | 'block';

export interface GateResult {
  readonly verdict: Verdict;
  readonly counts: Readonly<Record<string, number>>;
  readonly message: string;
}

export class GateError extends Error {}

/** The policy alone: block on CRITICAL, warn on HIGH. */
export function judge(counts: Readonly<Record<string, number>>): Verdict {
  if ((counts.CRITICAL ?? 0) > 0) return 'block';
  if ((counts.HIGH ?? 0) > 0) return 'warn';
  return 'pass';
}

function findingNames(output: DescribeImageScanFindingsCommandOutput, severity: string): string[] {
  const basic = output.imageScanFindings?.findings?.filter((f) => f.severity === severity).map((f) => f.name ?? '?') ?? [];
  const enhanced =
    output.imageScanFindings?.enhancedFindings
      ?.filter((f) => f.severity === severity)
      .map((f) => f.packageVulnerabilityDetails?.vulnerabilityId ?? f.title ?? '?') ?? [];
  return [...basic, ...enhanced];
}

export async function scanGate(client: ECRClient, options: GateOptions, log: (line: string) => void = console.log): Promise<GateResult> {
  const image = { repositoryName: options.repository, imageId: { imageTag: options.tag } };
  const name = `${options.repository}:${options.tag}`;
  const deadline = Date.now() + options.maxWaitSeconds * 1000;
  log(`Waiting for the scan of ${name} ...`);
  let output: DescribeImageScanFindingsCommandOutput | undefined;
  for (;;) {
    try {
      output = await client.send(new DescribeImageScanFindingsCommand(image));
    } catch (error) {
      // The scan of a just-pushed image may not have started yet.
      if ((error as Error).name !== 'ScanNotFoundException') {
        throw new GateError(`Cannot read the scan of ${name}: ${(error as Error).message}`);
      }
      output = undefined;
    }
    const status = output?.imageScanStatus?.status ?? 'PENDING';
    if (output && DONE.includes(status)) break;
    if (!RUNNING.includes(status)) {
      throw new GateError(`Scan of ${name} ended ${status}: ${output?.imageScanStatus?.description ?? 'no description'}`);
    }
    if (Date.now() >= deadline) throw new GateError(`Scan of ${name} did not complete within ${options.maxWaitSeconds} s`);
    await new Promise((resolve) => setTimeout(resolve, (options.pollSeconds ?? 5) * 1000));
  }
  const final = output as DescribeImageScanFindingsCommandOutput;
  const counts = (final.imageScanFindings?.findingSeverityCounts ?? {}) as Record<string, number>;
  const verdict = judge(counts);
  const summary =
    Object.entries(counts)
      .map(([severity, n]) => `${severity} ${n}`)
      .join(', ') || 'no findings';
  const message =
    verdict === 'block'
      ? `${options.repository}:${options.tag} has CRITICAL findings (${summary}): ${findingNames(final, 'CRITICAL').slice(0, 10).join(', ')}. Deploy blocked.`
      : verdict === 'warn'
        ? `${options.repository}:${options.tag} has HIGH findings (${summary}): ${findingNames(final, 'HIGH').slice(0, 10).join(', ')}. Deploying anyway; fix them soon.`
        : `${options.repository}:${options.tag} passed the scan (${summary}).`;
  return { verdict, counts, message };
}

export function parseCommandLine(argv: string[]): GateOptions & { region?: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      repository: { type: 'string' },
      tag: { type: 'string' },
      region: { type: 'string' },
      'max-wait': { type: 'string', default: '300' },
    },
    strict: true,
  });
  if (!values.repository) throw new GateError('--repository is required, e.g. drop-staging/api');
  if (!values.tag) throw new GateError('--tag is required: the pushed image tag, e.g. the commit SHA');
  const maxWait = Number(values['max-wait']);
  if (!Number.isInteger(maxWait) || maxWait < 1)
    throw new GateError(`--max-wait ${JSON.stringify(values['max-wait'])} is not a whole number of seconds`);
  return { repository: values.repository, tag: values.tag, region: values.region, maxWaitSeconds: maxWait };
}

if (require.main === module) {
  (async () => {
    const options = parseCommandLine(process.argv.slice(2));
    const result = await scanGate(new ECRClient({ region: options.region }), options);
    const annotation = { block: '::error::', warn: '::warning::', pass: '' }[result.verdict];
    console.log(`${process.env.GITHUB_ACTIONS ? annotation : ''}${result.message}`);
    if (result.verdict === 'block') process.exitCode = 1;
  })().catch((error: Error) => {
    console.error(error instanceof GateError ? error.message : error);
    process.exitCode = 1;
  });
}
