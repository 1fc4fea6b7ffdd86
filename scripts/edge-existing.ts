/**
 * Step of the first deployment of a zone owner: lists the zone's existing entry-point rulesets
 * (made in the dashboard or by another tool) and prints the `edge.existingRulesets` lines to add
 * to the owner's environment file, id and name of each, so the first apply imports them instead
 * of failing with "A similar configuration with rules already exists", and keeps their names (a
 * new name would make the provider replace the ruleset: `name` is RequiresReplace).
 *
 *   CLOUDFLARE_API_TOKEN=... npm run edge:existing -- --zone getdrop.no
 *
 * Reads with the Cloudflare API (GET /zones?name=, GET /zones/{zone_id}/rulesets); needs a token
 * with Zone Read and the rulesets' read permissions (e.g. Zone WAF Read, Transform Rules Read)
 * on the zone. Writes nothing. `CLOUDFLARE_API_BASE_URL` (or --api) overrides the API address.
 */
import { parseArgs } from 'node:util';
import { RULESET_PHASES, type RulesetPhase } from '../constructs/edge/cloudflare';

export const DEFAULT_API_BASE_URL = 'https://api.cloudflare.com/client/v4';

export interface ExistingOptions {
  readonly zone: string;
  readonly token: string;
  /** @default DEFAULT_API_BASE_URL */
  readonly apiBaseUrl?: string;
}

export interface ExistingRuleset {
  readonly phase: string;
  readonly id: string;
  readonly name: string;
  /** The edge stack manages this phase's entry-point ruleset (so it must be imported). */
  readonly managed: boolean;
}

export interface ExistingResult {
  readonly zoneId: string;
  readonly rulesets: readonly ExistingRuleset[];
  /** The lines to add under "edge" in the zone owner's environment file. */
  readonly configLines: readonly string[];
}

export class ExistingError extends Error {}

interface Envelope<T> {
  success?: boolean;
  errors?: { code?: number; message?: string }[];
  result?: T;
  result_info?: { cursor?: string };
}

async function get<T>(options: ExistingOptions, pathAndQuery: string): Promise<Envelope<T>> {
  const url = `${(options.apiBaseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '')}${pathAndQuery}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new ExistingError(`GET ${pathAndQuery} failed: ${cause}`);
  }
  let body: Envelope<T>;
  try {
    body = (await response.json()) as Envelope<T>;
  } catch {
    throw new ExistingError(`GET ${pathAndQuery}: HTTP ${response.status} with a body that is not JSON`);
  }
  if (!response.ok || body.success !== true) {
    const errors =
      (body.errors ?? []).map((e) => `${e.message ?? 'error'}${e.code !== undefined ? ` (code ${e.code})` : ''}`).join('; ') ||
      'no error detail';
    const hint =
      response.status === 401 ||
      response.status === 403 ||
      (body.errors ?? []).some((e) => e.code === 10000 || e.code === 9109 || e.code === 6003)
        ? ": check CLOUDFLARE_API_TOKEN (a valid token with Zone Read and the rulesets' read permissions on this zone)"
        : '';
    throw new ExistingError(`Cloudflare API refused GET ${pathAndQuery}: HTTP ${response.status}: ${errors}${hint}`);
  }
  return body;
}

/** Lists the zone's entry-point rulesets and the configuration lines that import them. */
export async function existingRulesets(options: ExistingOptions): Promise<ExistingResult> {
  const zones = await get<{ id: string; name: string }[]>(options, `/zones?name=${encodeURIComponent(options.zone)}`);
  const zone = (zones.result ?? []).find((z) => z.name === options.zone);
  if (!zone) {
    throw new ExistingError(
      `zone "${options.zone}" not found: this token sees no zone of that name (check the name, and that the token has Zone Read on it)`,
    );
  }
  const rulesets: ExistingRuleset[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<{ id: string; name: string; kind: string; phase: string }[]>(
      options,
      `/zones/${zone.id}/rulesets${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    for (const ruleset of page.result ?? []) {
      // Entry-point rulesets of a zone are kind "zone"; "managed" and "custom" ones are not entry points.
      if (ruleset.kind !== 'zone') continue;
      rulesets.push({
        phase: ruleset.phase,
        id: ruleset.id,
        name: ruleset.name,
        managed: (RULESET_PHASES as readonly string[]).includes(ruleset.phase),
      });
    }
    cursor = page.result_info?.cursor || undefined;
  } while (cursor);
  rulesets.sort((a, b) => a.phase.localeCompare(b.phase));
  const imported = rulesets.filter((r) => r.managed);
  const configLines =
    imported.length === 0
      ? []
      : [
          '"existingRulesets": {',
          ...imported.map(
            (r, i) =>
              `  "${r.phase as RulesetPhase}": { "id": "${r.id}", "name": ${JSON.stringify(r.name)} }${i < imported.length - 1 ? ',' : ''}`,
          ),
          '}',
        ];
  return { zoneId: zone.id, rulesets, configLines };
}

/** The report the command prints. */
export function formatReport(zone: string, result: ExistingResult): string {
  const lines = [`zone ${zone} (${result.zoneId}): ${result.rulesets.length} entry-point ruleset(s)`];
  for (const r of result.rulesets) {
    lines.push(`  ${r.phase}: ${r.id} "${r.name}"${r.managed ? '' : ' (not managed by the edge stack: left as it is)'}`);
  }
  if (result.configLines.length === 0) {
    lines.push('', 'Nothing to import: the first apply creates every entry-point ruleset.');
  } else {
    lines.push(
      '',
      'Add under "edge" in the zone owner\'s environment file (each keeps its name; its rules are replaced by the stack\'s on apply: review the plan):',
      '',
      ...result.configLines,
    );
    if (result.rulesets.some((r) => r.phase === 'http_request_origin')) {
      lines.push('', 'http_request_origin is managed on the enterprise plan only; below it, leave that line out.');
    }
  }
  return lines.join('\n');
}

export function parseCommandLine(
  argv: string[],
  env: { CLOUDFLARE_API_TOKEN?: string; CLOUDFLARE_API_BASE_URL?: string },
): ExistingOptions {
  const { values } = parseArgs({ args: argv, options: { zone: { type: 'string' }, api: { type: 'string' } }, strict: true });
  if (!values.zone || !/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(values.zone)) {
    throw new ExistingError(`--zone ${JSON.stringify(values.zone ?? null)} is not a zone name; expected e.g. --zone getdrop.no`);
  }
  if (!env.CLOUDFLARE_API_TOKEN) {
    throw new ExistingError(
      "CLOUDFLARE_API_TOKEN is not set: export a Cloudflare API token with Zone Read and the rulesets' read permissions on the zone",
    );
  }
  const apiBaseUrl = values.api ?? env.CLOUDFLARE_API_BASE_URL ?? DEFAULT_API_BASE_URL;
  if (!/^https?:\/\/\S+$/.test(apiBaseUrl)) throw new ExistingError(`API base URL ${JSON.stringify(apiBaseUrl)} is not an http(s) URL`);
  return { zone: values.zone, token: env.CLOUDFLARE_API_TOKEN, apiBaseUrl };
}

if (require.main === module) {
  (async () => {
    const options = parseCommandLine(process.argv.slice(2), process.env);
    console.log(formatReport(options.zone, await existingRulesets(options)));
  })().catch((error: Error) => {
    console.error(error instanceof ExistingError ? error.message : error);
    process.exitCode = 1;
  });
}
