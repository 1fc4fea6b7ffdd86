/**
 * The pipeline's image push, made safe to re-run. Tags are immutable in our registries and a
 * rebuilt image has a new digest (builds are not reproducible), so a re-run must never push again
 * a tag that exists: it reuses the image the first run pushed (the scan gate then checks that
 * image's scan). And every environment must run the same image, so a re-run that reused the
 * earlier image in one registry but pushed its rebuild to another is refused before any release.
 *
 *   npm run --silent registry-image -- --repository drop-staging/api --tag 3f2a9c1 [--region eu-west-1]
 *       prints `digest=<sha256:...>` (empty when the tag is not in the registry), for $GITHUB_OUTPUT
 *   npm run --silent registry-image -- --repository drop-staging/api --tag 3f2a9c1 --record pushed/staging-api.json --reused true|false
 *       after the push (or the reuse): records the digest the registry holds now
 *   npm run --silent registry-image -- --agree pushed
 *       every record of a service names one image: refuses a mix of reused and rebuilt images
 */
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

export class RegistryImageError extends Error {}

export interface ImageRecord {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  /** The tag was in the registry before this run's push step: an earlier run's image, not this run's build. */
  readonly reused: boolean;
}

/** The digest of `repository:tag`, or undefined when the registry does not hold that tag. */
export async function digestOf(ecr: ECRClient, repository: string, tag: string): Promise<string | undefined> {
  try {
    const { imageDetails = [] } = await ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
    return imageDetails[0]?.imageDigest;
  } catch (error) {
    if ((error as Error).name === 'ImageNotFoundException') return undefined;
    throw new RegistryImageError(`Cannot read ${repository}:${tag} from ECR: ${(error as Error).message}`);
  }
}

/** Problems with the records of one run's pushes: a service whose registries hold different images. */
export function disagreements(records: readonly ImageRecord[]): string[] {
  const byService = new Map<string, ImageRecord[]>();
  for (const record of records) {
    const service = record.repository.split('/').at(-1)!;
    byService.set(service, [...(byService.get(service) ?? []), record]);
  }
  const problems: string[] = [];
  for (const [service, list] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
    const digests = new Set(list.map((r) => r.digest));
    const reused = list.filter((r) => r.reused);
    const pushed = list.filter((r) => !r.reused);
    if (reused.length > 0 && pushed.length > 0) {
      problems.push(
        `${service}: ${reused.map((r) => `${r.repository}:${r.tag} is an earlier run's image (${r.digest.slice(0, 19)}…)`).join(', ')}, ` +
          `but ${pushed.map((r) => `${r.repository}:${r.tag} got this run's rebuild (${r.digest.slice(0, 19)}…)`).join(', ')}: ` +
          'a re-run after a partial push rebuilt the image, so the environments would run different images. Nothing was released. ' +
          'Push a new commit to release again (tags cannot be overwritten).',
      );
    } else if (digests.size > 1) {
      problems.push(
        `${service}: the registries hold different images for one tag (${list.map((r) => `${r.repository} ${r.digest.slice(0, 19)}…`).join(', ')}); nothing was released`,
      );
    }
  }
  return problems;
}

export function readRecords(dir: string): ImageRecord[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
  if (files.length === 0) throw new RegistryImageError(`${dir} holds no image records: did the push job upload them?`);
  return files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as ImageRecord);
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      repository: { type: 'string' },
      tag: { type: 'string' },
      region: { type: 'string' },
      record: { type: 'string' },
      reused: { type: 'string' },
      agree: { type: 'string' },
    },
    strict: true,
  });
  if (values.agree !== undefined) {
    const records = readRecords(values.agree);
    const problems = disagreements(records);
    if (problems.length > 0) throw new RegistryImageError(problems.join('\n'));
    console.error(
      `${records.length} registries hold one image per service: ${[...new Set(records.map((r) => `${r.repository.split('/').at(-1)} ${r.digest.slice(0, 19)}…`))].join(', ')}`,
    );
    return;
  }
  if (!values.repository || !values.tag)
    throw new RegistryImageError('--repository and --tag are required, e.g. --repository drop-staging/api --tag "$IMAGE_TAG"');
  const ecr = new ECRClient({ region: values.region });
  const digest = await digestOf(ecr, values.repository, values.tag);
  if (values.record === undefined) {
    console.error(
      digest
        ? `${values.repository}:${values.tag} is in the registry already (${digest}): an earlier run pushed it; it is reused, not pushed again`
        : `${values.repository}:${values.tag} is not in the registry yet: this run pushes it`,
    );
    console.log(`digest=${digest ?? ''}`);
    return;
  }
  if (!digest) throw new RegistryImageError(`${values.repository}:${values.tag} is not in the registry: the push did not happen`);
  if (values.reused !== 'true' && values.reused !== 'false') throw new RegistryImageError('--record needs --reused true|false');
  const record: ImageRecord = { repository: values.repository, tag: values.tag, digest, reused: values.reused === 'true' };
  mkdirSync(path.dirname(values.record), { recursive: true });
  writeFileSync(values.record, `${JSON.stringify(record)}\n`);
  console.error(
    `${values.repository}:${values.tag} = ${digest} (${record.reused ? "an earlier run's image, reused" : 'pushed by this run'})`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error instanceof RegistryImageError ? error.message : error);
    process.exitCode = 1;
  });
}
