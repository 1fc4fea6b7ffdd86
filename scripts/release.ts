/**
 * Records a release: the image a service of an environment runs from the next compute deploy on.
 *
 *   npm run release -- --env staging --service api --tag 3f2a9c1     (or --tag sha256:<digest>)
 *
 * Refuses an image that is not in the environment's registry, or whose scan did not complete or
 * found CRITICAL vulnerabilities (the scan gate's policy), before anything is written. Then writes
 * `<tag>@sha256:<digest>` to the SSM parameter /<project>/<env>/release/<service>; SSM keeps
 * every version, which is the release history `npm run rollback` chooses from.
 */
import { DescribeImagesCommand, DescribeImageScanFindingsCommand, ECRClient } from '@aws-sdk/client-ecr';
import { SSMClient } from '@aws-sdk/client-ssm';
import { parseArgs } from 'node:util';
import { ConfigError, SERVICE_NAMES, type EnvironmentConfig, loadEnvironment } from '../config';
import { RELEASE_DIGEST, RELEASE_TAG } from '../constructs/compute/release-pointer';
import { Naming } from '../constructs/naming';
import { writePointer } from './lib/release-history';
import { judge } from './scan-gate';

export class ReleaseError extends Error {}

export interface ReleaseRequest {
  readonly config: EnvironmentConfig;
  readonly service: string;
  /** A tag of the service's repository, or a digest `sha256:<64 hex>`. */
  readonly tag: string;
}

export interface Clients {
  readonly ecr: ECRClient;
  readonly ssm: SSMClient;
}

/** Checks the image and writes the pointer; returns the value written. */
export async function release(clients: Clients, request: ReleaseRequest, log: (line: string) => void = console.log): Promise<string> {
  const { config, service, tag } = request;
  if (!(SERVICE_NAMES as readonly string[]).includes(service)) {
    throw new ReleaseError(`--service "${service}" is not a service of the platform; expected one of ${SERVICE_NAMES.join(', ')}`);
  }
  if (!RELEASE_DIGEST.test(tag) && !RELEASE_TAG.test(tag)) {
    throw new ReleaseError(
      `--tag "${tag}" is neither an image tag nor a digest; expected a tag such as "3f2a9c1" or "sha256:<64 hex digits>"`,
    );
  }
  const naming = new Naming(config);
  const repositoryName = naming.repository(service);
  const imageId = RELEASE_DIGEST.test(tag) ? { imageDigest: tag } : { imageTag: tag };
  let detail;
  try {
    detail = (await clients.ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [imageId] }))).imageDetails?.[0];
  } catch (error) {
    if ((error as Error).name === 'ImageNotFoundException') detail = undefined;
    else throw new ReleaseError(`Cannot read ${repositoryName}:${tag} from ECR: ${(error as Error).message}`);
  }
  if (!detail?.imageDigest) {
    throw new ReleaseError(
      `${repositoryName}:${tag} is not in the ${config.name} registry; push it (and let the scan gate pass) before releasing it`,
    );
  }
  const digest = detail.imageDigest;
  const findings = await clients.ecr
    .send(new DescribeImageScanFindingsCommand({ repositoryName, imageId: { imageDigest: digest } }))
    .catch((error: Error) => {
      throw new ReleaseError(`${repositoryName}:${tag} has no scan result (${error.name}); wait for the scan gate`);
    });
  const status = findings.imageScanStatus?.status;
  if (status !== 'COMPLETE' && status !== 'ACTIVE') {
    throw new ReleaseError(
      `${repositoryName}:${tag} has no completed scan (status ${status ?? 'none'}); wait for the scan gate, then release`,
    );
  }
  const counts = (findings.imageScanFindings?.findingSeverityCounts ?? {}) as Record<string, number>;
  if (judge(counts) === 'block') {
    throw new ReleaseError(
      `${repositoryName}:${tag} has CRITICAL findings (${counts.CRITICAL}); the scan gate blocks it, so it cannot be released`,
    );
  }
  const releaseTag = RELEASE_DIGEST.test(tag) ? (detail.imageTags?.[0] ?? digest.slice('sha256:'.length, 'sha256:'.length + 12)) : tag;
  const value = `${releaseTag}@${digest}`;
  const name = naming.release(service);
  await writePointer(clients.ssm, name, value, `Release of ${service} in ${config.name} (npm run release)`);
  log(
    `Released ${service} to ${config.name}: ${name} = ${value}. Deploy with: DROP_ENV=${config.name} npx cdktf deploy compute edge --auto-approve`,
  );
  return value;
}

export function parseCommandLine(argv: string[]): { env: string; service: string; tag: string } {
  const { values } = parseArgs({
    args: argv,
    options: { env: { type: 'string' }, service: { type: 'string' }, tag: { type: 'string' } },
    strict: true,
  });
  const missing = (['env', 'service', 'tag'] as const).filter((key) => !values[key]);
  if (missing.length > 0) {
    throw new ReleaseError(
      `Missing ${missing.map((m) => `--${m}`).join(', ')}. Usage: npm run release -- --env <environment> --service <api|web> --tag <tag|sha256:digest>`,
    );
  }
  return { env: values.env!, service: values.service!, tag: values.tag! };
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2));
  const config = loadEnvironment(args.env);
  const region = config.aws.region;
  await release({ ecr: new ECRClient({ region }), ssm: new SSMClient({ region }) }, { config, service: args.service, tag: args.tag });
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error instanceof ReleaseError || error instanceof ConfigError ? error.message : error);
    process.exitCode = 1;
  });
}
