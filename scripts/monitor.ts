/**
 * Post-deployment monitoring (item 8 of the deployment checklist): after production's health
 * verification, watch the environment for a while (15 minutes in the pipeline). Every interval
 * (30 s) it checks the health endpoint and the compute alarms of each service (p95 latency, 5xx
 * ratio, CPU: the CloudWatch alarms named `<project>-<env>-<service>-...`, whichever compute
 * engine made them); with `--version`, every health answer must report that release (a service
 * that went back to an older image during the watch fails it). It stops at the first failure, a
 * failed health check or an alarm in ALARM,
 * and exits non-zero so the pipeline rolls back. Either way it writes a report (the release, every
 * check and its result) as Markdown to `--summary` (the pipeline passes $GITHUB_STEP_SUMMARY).
 *
 *   npm run monitor -- --env production --minutes 15 --interval 30 [--version 3f2a9c1] [--summary file]   # watches https://getdrop.no/v1/health
 */
import { CloudWatchClient, type MetricAlarm, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { SSMClient } from '@aws-sdk/client-ssm';
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type EnvironmentConfig, SERVICE_NAMES, loadEnvironment } from '../config';
import { Naming } from '../constructs/naming';
import { numberOption, urlOption, versionOption } from './lib/options';
import { healthUrl } from './lib/public-url';
import { current, readHistory } from './lib/release-history';
import { timeScale } from './lib/time-scale';
import { checkOnce } from './verify-health';

export class MonitorError extends Error {}

export interface MonitorOptions {
  readonly environment: string;
  readonly url: string;
  readonly minutes: number;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  /** The release the service must report as its health `version`. */
  readonly version?: string;
  readonly summaryFile?: string;
}

export interface MonitorDeps {
  readonly cloudwatch: CloudWatchClient;
  readonly ssm: SSMClient;
  readonly log: (line: string) => void;
  /** Waits; the dry run shortens it. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

export interface Check {
  readonly at: Date;
  readonly health: string;
  readonly healthOk: boolean;
  readonly alarms: string;
  readonly alarmsOk: boolean;
}

export interface MonitorResult {
  readonly ok: boolean;
  readonly checks: readonly Check[];
  readonly release: Readonly<Record<string, string>>;
  readonly reason: string;
}

async function alarmsOf(cloudwatch: CloudWatchClient, prefix: string): Promise<MetricAlarm[]> {
  const alarms: MetricAlarm[] = [];
  for await (const page of paginateDescribeAlarms({ client: cloudwatch }, { AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm'] }))
    alarms.push(...(page.MetricAlarms ?? []));
  return alarms;
}

/** Watches `options.environment`; `config` is its configuration, loaded from the name unless the caller has it. */
export async function monitor(
  deps: MonitorDeps,
  options: MonitorOptions,
  config: EnvironmentConfig = loadEnvironment(options.environment),
): Promise<MonitorResult> {
  const naming = new Naming(config);
  const release: Record<string, string> = {};
  for (const service of SERVICE_NAMES) release[service] = current(await readHistory(deps.ssm, naming, service))?.value ?? '(none recorded)';
  const prefixes = SERVICE_NAMES.map((service) => `${naming.resource(service)}-`);
  const checks: Check[] = [];
  const end = deps.now() + options.minutes * 60_000;
  let reason = '';
  deps.log(
    `Watching ${options.environment} for ${options.minutes} min: ${options.url} and the alarms ${prefixes.map((p) => `${p}*`).join(', ')} every ${options.intervalSeconds} s`,
  );
  for (let n = 1; ; n++) {
    const health = await checkOnce(options.url, options.timeoutSeconds, options.version);
    const alarms = (await Promise.all(prefixes.map((prefix) => alarmsOf(deps.cloudwatch, prefix)))).flat();
    const firing = alarms.filter((alarm) => alarm.StateValue === 'ALARM');
    const missing = prefixes.filter((prefix) => !alarms.some((alarm) => alarm.AlarmName?.startsWith(prefix)));
    const alarmText =
      missing.length > 0
        ? `no alarms named ${missing.map((p) => `${p}*`).join(', ')}: the watch would be blind`
        : firing.length > 0
          ? `ALARM: ${firing.map((a) => `${a.AlarmName} (${a.StateReason ?? 'no reason'})`).join('; ')}`
          : `${alarms.length} alarms, none firing (${alarms.map((a) => `${a.AlarmName} ${a.StateValue}`).join(', ')})`;
    const check: Check = {
      at: new Date(deps.now()),
      health: health.reason,
      healthOk: health.ok,
      alarms: alarmText,
      alarmsOk: missing.length === 0 && firing.length === 0,
    };
    checks.push(check);
    deps.log(
      `check ${n}: health ${health.ok ? 'ok' : 'FAILED'} (${health.reason}); alarms ${check.alarmsOk ? 'ok' : 'FAILED'} (${alarmText})`,
    );
    if (!check.healthOk) reason = `health check ${n} failed: ${health.reason}`;
    else if (!check.alarmsOk) reason = `alarm check ${n} failed: ${alarmText}`;
    if (reason || deps.now() + options.intervalSeconds * 1000 > end) break;
    await deps.sleep(options.intervalSeconds * 1000);
  }
  const ok = reason === '';
  const result = { ok, checks, release, reason: ok ? `healthy for ${options.minutes} min (${checks.length} checks)` : reason };
  if (options.summaryFile) appendFileSync(options.summaryFile, summary(options, result));
  return result;
}

/** The job summary: the release, every check and its result. */
export function summary(options: MonitorOptions, result: MonitorResult): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `## Post-deployment monitoring: ${options.environment} ${result.ok ? 'passed' : 'FAILED, rolling back'}`,
    '',
    `${result.reason}. Watched ${options.url}${options.version ? ` (expecting version ${options.version})` : ''} and the compute alarms every ${options.intervalSeconds} s for up to ${options.minutes} min.`,
    '',
    '| service | release |',
    '|---|---|',
    ...Object.entries(result.release).map(([service, value]) => `| ${service} | \`${value}\` |`),
    '',
    '| # | time (UTC) | health | alarms (p95 latency, 5xx ratio, CPU) |',
    '|---|---|---|---|',
    ...result.checks.map(
      (c, i) =>
        `| ${i + 1} | ${c.at.toISOString().slice(11, 19)} | ${c.healthOk ? 'ok' : 'FAILED'}: ${cell(c.health)} | ${c.alarmsOk ? 'ok' : 'FAILED'}: ${cell(c.alarms)} |`,
    ),
    '',
  ].join('\n');
}

export function parseCommandLine(argv: string[], publicUrl?: string): MonitorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: 'string' },
      url: { type: 'string' },
      minutes: { type: 'string', default: '15' },
      interval: { type: 'string', default: '30' },
      timeout: { type: 'string', default: '5' },
      version: { type: 'string' },
      summary: { type: 'string' },
    },
    strict: true,
  });
  if (!values.env) throw new MonitorError('--env is required, e.g. --env production');
  return {
    environment: values.env,
    url: urlOption(values.url ?? healthUrl(values.env, publicUrl), MonitorError),
    minutes: numberOption('minutes', values.minutes!, 0, 120, MonitorError),
    intervalSeconds: numberOption('interval', values.interval!, 1, 600, MonitorError),
    timeoutSeconds: numberOption('timeout', values.timeout!, 0.1, 60, MonitorError),
    version: versionOption(values.version, MonitorError),
    summaryFile: values.summary || undefined,
  };
}

if (require.main === module) {
  (async () => {
    const options = parseCommandLine(process.argv.slice(2), process.env.DROP_PUBLIC_URLS);
    const config = loadEnvironment(options.environment);
    const scale = timeScale(process.env.DROP_PIPELINE_TIME_SCALE);
    if (scale !== 1) console.log(`DROP_PIPELINE_TIME_SCALE=${scale}: every wait is ${scale} of its length (dry run)`);
    const started = Date.now();
    const result = await monitor(
      {
        cloudwatch: new CloudWatchClient({ region: config.aws.region }),
        ssm: new SSMClient({ region: config.aws.region }),
        log: console.log,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms * scale)),
        // Scaled time: the watch covers `--minutes` of scaled clock.
        now: () => started + (Date.now() - started) / scale,
      },
      options,
      config,
    );
    console.log(result.ok ? `${options.environment}: ${result.reason}` : `${options.environment}: ${result.reason}; rolling back`);
    if (!result.ok) process.exitCode = 1;
  })().catch((error: Error) => {
    console.error(error instanceof MonitorError || error.name === 'ConfigError' ? error.message : error);
    process.exitCode = 1;
  });
}
