/**
 * `DROP_PIPELINE_TIME_SCALE`: the pipeline dry run (scripts/pipeline-dry-run.ts) sets e.g. 0.01 so
 * the 10 s health interval and the 15 min watch take a fraction of that; unset (1) everywhere else.
 * The commands in the workflow stay exactly as they run in GitHub Actions. A bad value is a
 * ConfigError, which the scripts print as their message alone.
 */
import { ConfigError } from '../../config';

export function timeScale(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1) {
    throw new ConfigError(`DROP_PIPELINE_TIME_SCALE ${JSON.stringify(raw)} is not a number above 0 and at most 1`);
  }
  return scale;
}
