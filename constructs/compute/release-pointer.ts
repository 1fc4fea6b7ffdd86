/**
 * What a release pointer `/<project>/<env>/release/<service>` holds, `<tag>@sha256:<digest>`, and
 * the command that writes it: one rule for the compute stack's postcondition (releases.ts) and for
 * the scripts that write and read pointers (release, rollback, scripts/lib/release-history.ts).
 * Imports nothing, so the scripts do not load cdktf.
 */

/** An image tag as the pipeline builds it (Docker's rule: at most 128 characters). */
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
/** An image digest. */
const DIGEST = 'sha256:[a-f0-9]{64}';

/** A release pointer's value: the tag the pipeline built and the digest it resolved to (RE2 and JavaScript alike). */
export const RELEASE_VALUE = `^${TAG}@${DIGEST}$`;

/** `RELEASE_VALUE` with the tag and the digest captured (never sent to Terraform). */
export const RELEASE_VALUE_PARTS = new RegExp(`^(${TAG})@(${DIGEST})$`);

/** A whole image tag. */
export const RELEASE_TAG = new RegExp(`^${TAG}$`);

/** A whole image digest, `sha256:<64 hex>`. */
export const RELEASE_DIGEST = new RegExp(`^${DIGEST}$`);

/** The command that records a release, for error messages and docs. */
export function releaseCommand(environment: string, service: string, tag = '<tag>'): string {
  return `npm run release -- --env ${environment} --service ${service} --tag ${tag}`;
}
