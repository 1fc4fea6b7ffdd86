/**
 * The release history of a service: the versions of its release pointer
 * `/<project>/<env>/release/<service>` (SSM GetParameterHistory). Every version was written by
 * `npm run release` after the scan gate passed, or by `npm run rollback` (which only writes a
 * value already in the history), so the history is the list of images that passed the gate and
 * were deployed to that environment. The descriptions say what each version is:
 * - `rolled back from <value>`: a rollback; the release it undid ran and failed, and is not a
 *   rollback target;
 * - `pipeline release of <value>, unverified`: the pipeline recorded it and has not verified it
 *   yet; `verified <value>` follows once its health checks (and, in production, its watch)
 *   passed. A pipeline release that never got verified (its job was cancelled or timed out before
 *   the checks and the rollback could run) is not a rollback target either, and the next run's
 *   release step reports it.
 */
import { type ParameterHistory, PutParameterCommand, type SSMClient, paginateGetParameterHistory } from '@aws-sdk/client-ssm';
import { RELEASE_VALUE, RELEASE_VALUE_PARTS, releaseCommand } from '../../constructs/compute/release-pointer';
import type { Naming } from '../../constructs/naming';

/** A pointer value in a description (RELEASE_VALUE without its anchors). */
const VALUE = `(${RELEASE_VALUE.slice(1, -1)})`;
const ROLLED_BACK = /^rolled back from (\S+)/;
const PIPELINE_RELEASE = new RegExp(`^pipeline release of ${VALUE}, unverified`);
const VERIFIED = new RegExp(`^verified ${VALUE}`);

/** The description of a release the pipeline recorded and has not verified yet. */
export const pipelineReleaseDescription = (value: string, run?: string) =>
  `pipeline release of ${value}, unverified${run ? ` (run ${run})` : ''} (npm run release)`;
/** The description of the version that marks a release verified (same value, a new version). */
export const verifiedDescription = (value: string) => `verified ${value}: its health checks passed (npm run release -- --verified)`;

export class ReleaseHistoryError extends Error {}

export interface Release {
  /** The SSM parameter version (1, 2, ...). */
  readonly version: number;
  readonly value: string;
  readonly tag: string;
  readonly digest: string;
  readonly modified?: Date;
  readonly description?: string;
}

export interface ServiceHistory {
  readonly service: string;
  readonly parameter: string;
  /** Oldest first; the last one is what the service runs (or is being deployed). */
  readonly releases: readonly Release[];
  /** Values a rollback undid: they ran in this environment and failed. */
  readonly failed: ReadonlySet<string>;
  /** Values the pipeline released and never verified. */
  readonly unverified: ReadonlySet<string>;
}

export function parseRelease(
  entry: Pick<ParameterHistory, 'Version' | 'Value' | 'LastModifiedDate' | 'Description'>,
  parameter: string,
): Release {
  const match = RELEASE_VALUE_PARTS.exec(entry.Value ?? '');
  if (!match) {
    throw new ReleaseHistoryError(
      `${parameter} version ${entry.Version} holds ${JSON.stringify(entry.Value)}, not "<tag>@sha256:<64 hex digits>": release pointers are written by npm run release only`,
    );
  }
  return {
    version: entry.Version ?? 0,
    value: match[0],
    tag: match[1],
    digest: match[2],
    modified: entry.LastModifiedDate,
    description: entry.Description,
  };
}

/** Reads every version of a service's pointer; an empty history when none was ever recorded. */
export async function readHistory(ssm: SSMClient, naming: Naming, service: string): Promise<ServiceHistory> {
  const parameter = naming.release(service);
  const entries: ParameterHistory[] = [];
  try {
    for await (const page of paginateGetParameterHistory({ client: ssm }, { Name: parameter, MaxResults: 50 }))
      entries.push(...(page.Parameters ?? []));
  } catch (error) {
    if ((error as Error).name !== 'ParameterNotFound') throw error;
  }
  const releases = entries.map((entry) => parseRelease(entry, parameter)).sort((a, b) => a.version - b.version);
  const marked = (pattern: RegExp) =>
    new Set(releases.map((r) => pattern.exec(r.description ?? '')?.[1]).filter((v): v is string => v !== undefined));
  const failed = marked(ROLLED_BACK);
  const verified = marked(VERIFIED);
  const unverified = new Set([...marked(PIPELINE_RELEASE)].filter((value) => !verified.has(value)));
  return { service, parameter, releases, failed, unverified };
}

export function current(history: ServiceHistory): Release | undefined {
  return history.releases.at(-1);
}

/**
 * The release before the current one: the newest older version with another image that no
 * rollback undid and that, if the pipeline released it, was verified.
 */
export function previous(history: ServiceHistory): Release | undefined {
  const now = current(history);
  if (!now) return undefined;
  return history.releases
    .slice(0, -1)
    .reverse()
    .find((release) => release.digest !== now.digest && !history.failed.has(release.value) && !history.unverified.has(release.value));
}

/** A release after which another one was recorded: `undefined` when `tag` is current or was never released. */
export function supersededBy(history: ServiceHistory, tag: string): Release | undefined {
  const last = history.releases.map((r) => r.tag).lastIndexOf(tag);
  if (last < 0 || current(history)?.tag === tag) return undefined;
  return history.releases
    .slice(last + 1)
    .find((r) => r.tag !== tag && !ROLLED_BACK.test(r.description ?? '') && !VERIFIED.test(r.description ?? ''));
}

/**
 * Finds `reference` in the history: a tag (`3f2a9c1`), a digest (`sha256:...`), a pointer value
 * (`<tag>@sha256:...`) or a history version (`v4` or `4`). Refuses anything else.
 */
export function find(history: ServiceHistory, reference: string, environment: string): Release {
  const version = /^v?(\d+)$/.exec(reference);
  const byVersion = version ? history.releases.find((r) => r.version === Number(version[1])) : undefined;
  const byImage = [...history.releases].reverse().find((r) => r.tag === reference || r.digest === reference || r.value === reference);
  if (byVersion && byImage && byVersion.value !== byImage.value) {
    throw new ReleaseHistoryError(
      `--to ${reference} is ambiguous for ${history.service}: version ${byVersion.version} (${byVersion.tag}) and tag ${byImage.tag}; write v${byVersion.version} or the full ${byImage.value}`,
    );
  }
  const found = byImage ?? byVersion;
  if (!found) {
    throw new ReleaseHistoryError(
      `--to ${reference} is not in the release history of ${history.service} in ${environment} ` +
        `(${describeVersions(history)}): only an image that passed the scan gate and ran there can be a rollback target. ` +
        `List them with: DROP_ENV=${environment} npm run rollback -- --list`,
    );
  }
  if (history.failed.has(found.value)) {
    throw new ReleaseHistoryError(
      `--to ${reference}: ${history.service} ${found.value} was rolled back in ${environment} (it failed there); ` +
        `to run it again, release it: ${releaseCommand(environment, history.service, found.tag)}`,
    );
  }
  return found;
}

function describeVersions(history: ServiceHistory): string {
  if (history.releases.length === 0) return 'no release recorded';
  const shown = history.releases.slice(-10).map((r) => `v${r.version} ${r.tag}`);
  return `${history.releases.length > 10 ? '..., ' : ''}${shown.join(', ')}`;
}

/** One line per version, newest first, for `npm run rollback -- --list`. */
export function describeHistory(history: ServiceHistory): string[] {
  const now = current(history);
  const target = previous(history);
  if (!now) return [`${history.service}: no release recorded (${history.parameter})`];
  return [...history.releases].reverse().map((r) => {
    const marks = [
      r === now ? 'current' : undefined,
      r === target ? 'rollback target' : undefined,
      history.failed.has(r.value) ? 'rolled back (failed here)' : undefined,
      history.unverified.has(r.value) ? 'never verified' : undefined,
    ].filter(Boolean);
    const when = r.modified ? r.modified.toISOString().replace(/\.\d+Z$/, 'Z') : '?';
    return `${history.service} v${r.version}  ${r.tag.padEnd(12)} ${r.digest.slice(0, 19)}…  ${when}${marks.length ? `  (${marks.join(', ')})` : ''}`;
  });
}

/**
 * Writes `value` as the new version of the release pointer `parameter` (a release, or a rollback to
 * a release already in its history); the description records why.
 */
export async function writePointer(ssm: SSMClient, parameter: string, value: string, description: string): Promise<void> {
  await ssm.send(
    new PutParameterCommand({
      Name: parameter,
      Value: value,
      Type: 'String',
      Overwrite: true,
      Description: description.slice(0, 1024),
    }),
  );
}
