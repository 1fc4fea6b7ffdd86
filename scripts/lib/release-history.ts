/**
 * The release history of a service: the versions of its release pointer
 * `/<project>/<env>/release/<service>` (SSM GetParameterHistory). Every version was written by
 * `npm run release` after the scan gate passed, or by `npm run rollback` (which only writes a
 * value already in the history), so the history is the list of images that passed the gate and
 * were deployed to that environment. A rollback marks the release it undoes in the new
 * version's description (`rolled back from <value>`): such a release ran and failed, and is not a
 * rollback target.
 */
import { type ParameterHistory, PutParameterCommand, type SSMClient, paginateGetParameterHistory } from '@aws-sdk/client-ssm';
import { RELEASE_VALUE_PARTS, releaseCommand } from '../../constructs/compute/release-pointer';
import type { Naming } from '../../constructs/naming';

const ROLLED_BACK = /^rolled back from (\S+)/;

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
  const failed = new Set(releases.map((r) => ROLLED_BACK.exec(r.description ?? '')?.[1]).filter((v): v is string => v !== undefined));
  return { service, parameter, releases, failed };
}

export function current(history: ServiceHistory): Release | undefined {
  return history.releases.at(-1);
}

/** The release before the current one: the newest older version with another image that no rollback undid. */
export function previous(history: ServiceHistory): Release | undefined {
  const now = current(history);
  if (!now) return undefined;
  return history.releases
    .slice(0, -1)
    .reverse()
    .find((release) => release.digest !== now.digest && !history.failed.has(release.value));
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
