/**
 * Health verification after a deploy: GET the URL `count` times, `interval` seconds apart; every
 * answer must be HTTP 200 with `"status": "ok"` within `timeout` seconds and, with `--version`,
 * report that release as its `version` (the image's APP_VERSION, the commit it was built from):
 * a deploy that left the old release running is healthy, but not what was released. Exits
 * non-zero with the reason of the first failure.
 *
 *   npm run verify-health -- --env production --count 3 --interval 10 --timeout 5 --version 3f2a9c1   # https://getdrop.no/v1/health
 *   npm run verify-health -- --url http://localhost:3001/v1/health --count 1
 */
import { parseArgs } from 'node:util';
import { numberOption, urlOption, versionOption } from './lib/options';
import { healthUrl } from './lib/public-url';
import { timeScale } from './lib/time-scale';

export interface VerifyOptions {
  readonly url: string;
  readonly count: number;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  /** The release the service must report as its `version`. */
  readonly version?: string;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly reason: string;
  readonly ms: number;
}

export class VerifyError extends Error {}

/** One health check: 200 and a JSON body whose status is "ok" (and whose version is `version`, when given). */
export async function checkOnce(url: string, timeoutSeconds: number, version?: string): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000), headers: { accept: 'application/json' } });
    const text = await response.text();
    let body: { status?: unknown; db?: unknown; version?: unknown } | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (response.status !== 200) {
      const detail = body?.db !== undefined ? ` (db: ${String(body.db)})` : '';
      return { ok: false, reason: `HTTP ${response.status}${detail}`, ms: elapsed() };
    }
    if (body?.status !== 'ok')
      return { ok: false, reason: `HTTP 200 but status is ${JSON.stringify(body?.status)}, expected "ok"`, ms: elapsed() };
    if (version !== undefined && body.version !== version) {
      return {
        ok: false,
        reason: `HTTP 200, status ok, but it runs version ${JSON.stringify(body.version ?? null)}, not the released ${JSON.stringify(version)}`,
        ms: elapsed(),
      };
    }
    return { ok: true, reason: `HTTP 200, status ok${version !== undefined ? `, version ${version}` : ''}`, ms: elapsed() };
  } catch (error) {
    const name = (error as Error).name;
    const reason =
      name === 'TimeoutError'
        ? `no answer within ${timeoutSeconds} s`
        : `request failed: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`;
    return { ok: false, reason, ms: elapsed() };
  }
}

/** Runs the checks; resolves with the results when all pass, rejects with the first failure. */
export async function verifyHealth(options: VerifyOptions, log: (line: string) => void = console.log, scale = 1): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (let attempt = 1; attempt <= options.count; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, options.intervalSeconds * 1000 * scale));
    const result = await checkOnce(options.url, options.timeoutSeconds, options.version);
    log(`check ${attempt}/${options.count}: ${result.reason} (${result.ms} ms)`);
    if (!result.ok) throw new VerifyError(`${options.url} is unhealthy on check ${attempt}/${options.count}: ${result.reason}`);
    results.push(result);
  }
  return results;
}

/** `--env <name>` checks that environment's public health URL (see lib/public-url.ts); `--url` any URL. */
export function parseCommandLine(argv: string[], publicUrl?: string): VerifyOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: 'string' },
      url: { type: 'string' },
      count: { type: 'string', default: '3' },
      interval: { type: 'string', default: '10' },
      timeout: { type: 'string', default: '5' },
      version: { type: 'string' },
    },
    strict: true,
  });
  if (values.env !== undefined && values.url !== undefined)
    throw new VerifyError('--env and --url exclude each other: --env checks https://<domains.public>/v1/health of that environment');
  return {
    url: urlOption(values.env !== undefined ? healthUrl(values.env, publicUrl) : values.url, VerifyError),
    count: numberOption('count', values.count!, 1, 100, VerifyError),
    intervalSeconds: numberOption('interval', values.interval!, 0, 600, VerifyError),
    timeoutSeconds: numberOption('timeout', values.timeout!, 0.1, 60, VerifyError),
    version: versionOption(values.version, VerifyError),
  };
}

if (require.main === module) {
  (async () => {
    const options = parseCommandLine(process.argv.slice(2), process.env.DROP_PUBLIC_URLS);
    const scale = timeScale(process.env.DROP_PIPELINE_TIME_SCALE);
    if (scale !== 1)
      console.log(
        `DROP_PIPELINE_TIME_SCALE=${scale}: the ${options.intervalSeconds} s interval is ${options.intervalSeconds * scale} s (dry run)`,
      );
    await verifyHealth(options, console.log, scale);
    console.log(`${options.url} healthy on ${options.count} of ${options.count} checks`);
  })().catch((error: Error) => {
    console.error(error instanceof VerifyError || error.name === 'ConfigError' ? error.message : error);
    process.exitCode = 1;
  });
}
