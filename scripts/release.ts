/**
 * Records a release: the image a service of an environment runs from the next compute deploy on.
 *
 *   npm run release -- --env staging --service api --tag 3f2a9c1 [--pipeline]    (or --tag sha256:<digest>)
 *   npm run release -- --env staging --verified 3f2a9c1                            (the pipeline, after the checks)
 *
 * Refuses an image that is not in the environment's registry, or whose scan did not complete or
 * found CRITICAL vulnerabilities (the scan gate's policy), before anything is written. Then writes
 * `<tag>@sha256:<digest>` to the SSM parameter /<project>/<env>/release/<service>; SSM keeps
 * every version, which is the release history `npm run rollback` chooses from. A release that is
 * already current writes nothing (a re-run records nothing twice).
 *
 * `--pipeline` (the workflow's release step) also refuses a tag that was released before and
 * followed by another release: re-running an old run would put the environment back on an older
 * commit (roll back on purpose with `npm run rollback -- --to <tag>`). It marks the release
 * unverified, and reports a current release that an earlier run recorded and never verified
 * (its job was cancelled or timed out): that one is no rollback target. `--verified <tag>` marks
 * the release verified once the health checks (and the watch) passed.
 */
import { DescribeImagesCommand, DescribeImageScanFindingsCommand, ECRClient } from '@aws-sdk/client-ecr';
import { SSMClient } from '@aws-sdk/client-ssm';
import { parseArgs } from 'node:util';
import { ConfigError, SERVICE_NAMES, type EnvironmentConfig, loadEnvironment } from '../config';
import { RELEASE_DIGEST, RELEASE_TAG } from '../constructs/compute/release-pointer';
import { Naming } from '../constructs/naming';
import { current, pipelineReleaseDescription, readHistory, supersededBy, verifiedDescription, writePointer } from './lib/release-history';
import { judge } from './scan-gate';

export class ReleaseError extends Error {}

export interface ReleaseRequest {
  readonly config: EnvironmentConfig;
  readonly service: string;
  /** A tag of the service's repository, or a digest `sha256:<64 hex>`. */
  readonly tag: string;
  /** The pipeline's release: refuses an older run's release, marks it unverified (see above). */
  readonly pipeline?: boolean;
  /** The workflow run that records it (GITHUB_RUN_ID), for the history. */
  readonly run?: string;
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
  const history = await readHistory(clients.ssm, naming, service);
  const now = current(history);
  if (now?.value === value) {
    log(`${service} in ${config.name} already runs release ${value} (v${now.version}): nothing written`);
    return value;
  }
  if (request.pipeline) {
    const newer = supersededBy(history, releaseTag);
    if (newer) {
      throw new ReleaseError(
        `${service} in ${config.name}: ${releaseTag} was released before, and ${newer.tag} after it (v${newer.version}): this is an older run's release, ` +
          `and releasing it again would put ${config.name} back on an older commit. Deliver the newer run; to go back on purpose: ` +
          `DROP_ENV=${config.name} npm run rollback -- --to ${releaseTag}`,
      );
    }
    if (now && history.unverified.has(now.value)) {
      const annotation = process.env.GITHUB_ACTIONS ? '::warning::' : '';
      log(
        `${annotation}${service} in ${config.name}: the current release ${now.value} (v${now.version}) was recorded by an earlier run and never verified ` +
          '(its job was cancelled or timed out before its checks); it is no rollback target, and this release replaces it',
      );
    }
  }
  const description = request.pipeline
    ? pipelineReleaseDescription(value, request.run)
    : `Release of ${service} in ${config.name} (npm run release)`;
  await writePointer(clients.ssm, name, value, description);
  log(
    `Released ${service} to ${config.name}: ${name} = ${value}. Deploy with: DROP_ENV=${config.name} npx cdktf deploy compute edge --auto-approve`,
  );
  return value;
}

/**
 * Marks `tag` verified in every service that runs it (a new version with the same value): from now
 * on a rollback may return to it. Refuses when a service does not run `tag` (the checks were of
 * another release); a release already marked is left alone.
 */
export async function markVerified(
  ssm: SSMClient,
  config: EnvironmentConfig,
  tag: string,
  log: (line: string) => void = console.log,
): Promise<void> {
  const naming = new Naming(config);
  const histories = await Promise.all(SERVICE_NAMES.map((service) => readHistory(ssm, naming, service)));
  for (const history of histories) {
    const now = current(history);
    if (now?.tag !== tag) {
      throw new ReleaseError(
        `${history.service} in ${config.name} runs ${now ? `${now.tag} (v${now.version})` : 'no release'}, not ${tag}: the checks that passed were not of its release, so nothing is marked verified`,
      );
    }
  }
  for (const history of histories) {
    const now = current(history)!;
    if (!history.unverified.has(now.value)) {
      log(`${history.service} in ${config.name}: ${now.value} needs no mark (verified already, or not a pipeline release)`);
      continue;
    }
    await writePointer(ssm, history.parameter, now.value, verifiedDescription(now.value));
    log(`${history.service} in ${config.name}: ${now.value} verified`);
  }
}

export type CommandLine =
  | { readonly mode: 'release'; readonly env: string; readonly service: string; readonly tag: string; readonly pipeline: boolean }
  | { readonly mode: 'verified'; readonly env: string; readonly tag: string };

export function parseCommandLine(argv: string[]): CommandLine {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: 'string' },
      service: { type: 'string' },
      tag: { type: 'string' },
      pipeline: { type: 'boolean', default: false },
      verified: { type: 'string' },
    },
    strict: true,
  });
  if (values.verified !== undefined) {
    if (!values.env || values.service || values.tag || !RELEASE_TAG.test(values.verified)) {
      throw new ReleaseError(
        'Usage: npm run release -- --env <environment> --verified <tag> (no --service or --tag: it marks every service that runs <tag>)',
      );
    }
    return { mode: 'verified', env: values.env, tag: values.verified };
  }
  const missing = (['env', 'service', 'tag'] as const).filter((key) => !values[key]);
  if (missing.length > 0) {
    throw new ReleaseError(
      `Missing ${missing.map((m) => `--${m}`).join(', ')}. Usage: npm run release -- --env <environment> --service <api|web> --tag <tag|sha256:digest> [--pipeline]`,
    );
  }
  return { mode: 'release', env: values.env!, service: values.service!, tag: values.tag!, pipeline: values.pipeline! };
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2));
  const config = loadEnvironment(args.env);
  const region = config.aws.region;
  const ssm = new SSMClient({ region });
  if (args.mode === 'verified') return markVerified(ssm, config, args.tag);
  await release(
    { ecr: new ECRClient({ region }), ssm },
    { config, service: args.service, tag: args.tag, pipeline: args.pipeline, run: process.env.GITHUB_RUN_ID },
  );
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error instanceof ReleaseError || error instanceof ConfigError ? error.message : error);
    process.exitCode = 1;
  });
}
