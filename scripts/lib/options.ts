/** Checks of command-line values that the health scripts share; each script throws its own error class. */
import { RELEASE_TAG } from '../../constructs/compute/release-pointer';

type ErrorClass = new (message: string) => Error;

/** `--url`: an http(s) URL. */
export function urlOption(value: string | undefined, Fail: ErrorClass): string {
  if (!value || !/^https?:\/\/[^\s]+$/.test(value)) {
    throw new Fail(`--url ${JSON.stringify(value ?? null)} is not an http(s) URL; expected e.g. https://getdrop.no/v1/health`);
  }
  return value;
}

/** `--<name>`: a number from `min` to `max`. */
export function numberOption(name: string, value: string, min: number, max: number, Fail: ErrorClass): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new Fail(`--${name} ${JSON.stringify(value)} is not a number from ${min} to ${max}`);
  return n;
}

/** `--version`: the release tag a service must report (the commit it was built from); absent when not given. */
export function versionOption(value: string | undefined, Fail: ErrorClass): string | undefined {
  if (value === undefined) return undefined;
  if (!RELEASE_TAG.test(value)) {
    throw new Fail(
      `--version ${JSON.stringify(value)} is not a release tag; expected the tag the pipeline released, e.g. --version "$IMAGE_TAG"`,
    );
  }
  return value;
}
