/**
 * Post-deployment monitoring against the real API (a local process) and the real CloudWatch and
 * SSM clients talking to the loopback fake; the clock is simulated, so 15 minutes take no time.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SSMClient } from '@aws-sdk/client-ssm';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../apps/api/test/free-port';
import { FakeAws, fakeDigest } from '../../scripts/dry-run/fake-aws';
import { LocalApi } from '../../scripts/dry-run/local-api';
import { healthUrl } from '../../scripts/lib/public-url';
import { timeScale } from '../../scripts/lib/time-scale';
import { MonitorError, type MonitorOptions, monitor, parseCommandLine } from '../../scripts/monitor';

const aws = new FakeAws();
let api: LocalApi;
let deps: Parameters<typeof monitor>[0];
let clock = 0;
const lines: string[] = [];
const scratch = mkdtempSync(path.join(tmpdir(), 'monitor-test-'));

beforeAll(async () => {
  const endpoint = await aws.start();
  const client = { region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  deps = {
    cloudwatch: new CloudWatchClient(client),
    ssm: new SSMClient(client),
    log: (line) => lines.push(line),
    sleep: async (ms) => void (clock += ms),
    now: () => clock,
  };
  api = new LocalApi(await freePort());
  await api.deploy({ tag: 'c2', healthy: true });
}, 120_000);

afterAll(async () => {
  await api.dispose();
  await aws.stop();
  rmSync(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  clock = 0;
  lines.length = 0;
  aws.state.alarms = ['api', 'web'].flatMap((service) =>
    ['latency-p95', '5xx-rate', 'cpu'].map((alarm) => ({ name: `drop-production-${service}-${alarm}`, state: 'OK' as const })),
  );
  // Another environment's alarm (same prefix up to the service) must not count.
  aws.state.alarms.push({ name: 'drop-production-stockholm-api-cpu', state: 'ALARM' });
  aws.state.parameters.clear();
  for (const service of ['api', 'web'])
    aws.putParameter(`/drop/production/release/${service}`, `c2@${fakeDigest(`drop-production/${service}`, 'c2')}`);
});

const options = (extra: Partial<MonitorOptions> = {}): MonitorOptions => ({
  environment: 'production',
  url: `${api.url}/v1/health`,
  minutes: 15,
  intervalSeconds: 30,
  timeoutSeconds: 5,
  summaryFile: path.join(scratch, `summary-${Math.random()}.md`),
  ...extra,
});

describe('post-deployment monitoring', () => {
  it('checks health and the compute alarms every 30 s for 15 minutes, and reports the release and every check', async () => {
    // WHEN
    const result = await monitor(deps, options());
    // THEN
    expect(result.ok).toBe(true);
    expect(result.checks).toHaveLength(31); // at 0:00, 0:30, ... 15:00
    expect(result.checks.every((c) => c.healthOk && c.alarmsOk)).toBe(true);
    const alarmCalls = aws.callsOf('GraniteServiceVersion20100801.DescribeAlarms').map((c) => c.input.AlarmNamePrefix);
    expect(new Set(alarmCalls)).toEqual(new Set(['drop-production-api-', 'drop-production-web-']));
  });

  it('writes the job summary: release, checks and results', async () => {
    const opts = options({ minutes: 1 });
    await monitor(deps, opts);
    const summary = readFileSync(opts.summaryFile!, 'utf8');
    expect(summary).toContain('## Post-deployment monitoring: production passed');
    expect(summary).toContain(`| api | \`c2@${fakeDigest('drop-production/api', 'c2')}\` |`);
    expect(summary).toMatch(
      /\| 2 \| 00:00:30 \| ok: HTTP 200, status ok \| ok: 6 alarms, none firing \(drop-production-web-latency-p95 OK/,
    );
  });

  it('stops and fails as soon as an alarm fires', async () => {
    // GIVEN
    aws.state.alarms[1] = { name: 'drop-production-api-5xx-rate', state: 'ALARM', reason: 'Threshold Crossed' };
    const opts = options();
    // WHEN
    const result = await monitor(deps, opts);
    // THEN
    expect(result.ok).toBe(false);
    expect(result.checks).toHaveLength(1);
    expect(result.reason).toBe('alarm check 1 failed: ALARM: drop-production-api-5xx-rate (Threshold Crossed)');
    expect(readFileSync(opts.summaryFile!, 'utf8')).toContain('## Post-deployment monitoring: production FAILED, rolling back');
  });

  it('fails when the health check fails', async () => {
    const result = await monitor(deps, options({ url: `${api.url}/v1/no-such-route` }));
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('health check 1 failed: HTTP 404');
  });

  it('expects the released version in every health answer, and fails naming both when another runs', async () => {
    const expected = await monitor(deps, options({ minutes: 1, version: 'c2' }));
    expect(expected.ok).toBe(true);
    expect(expected.checks[0].health).toBe('HTTP 200, status ok, version c2');
    // GIVEN c3 released, but the service still runs c2
    const result = await monitor(deps, options({ version: 'c3' }));
    expect(result.ok).toBe(false);
    expect(result.checks).toHaveLength(1);
    expect(result.reason).toBe('health check 1 failed: HTTP 200, status ok, but it runs version "c2", not the released "c3"');
  });

  it('fails when a service has no alarms (the watch would be blind)', async () => {
    aws.state.alarms = aws.state.alarms.filter((a) => !a.name.startsWith('drop-production-web-'));
    const result = await monitor(deps, options());
    expect(result.reason).toBe('alarm check 1 failed: no alarms named drop-production-web-*: the watch would be blind');
  });
});

describe('monitor command line', () => {
  it("watches the environment's public health URL, or the one DROP_PUBLIC_URLS names for it", () => {
    expect(parseCommandLine(['--env', 'production']).url).toBe('https://getdrop.no/v1/health');
    expect(parseCommandLine(['--env', 'production'], 'staging=http://127.0.0.1:1,production=http://127.0.0.1:2').url).toBe(
      'http://127.0.0.1:2/v1/health',
    );
    expect(healthUrl('production-stockholm', undefined)).toBe('https://getdrop.se/v1/health');
  });

  it.each([
    [[], '--env is required, e.g. --env production'],
    [['--env', 'production', '--minutes=-1'], '--minutes "-1" is not a number from 0 to 120'],
    [['--env', 'production', '--interval', '0'], '--interval "0" is not a number from 1 to 600'],
    [
      ['--env', 'production', '--version', 'c2 c3'],
      '--version "c2 c3" is not a release tag; expected the tag the pipeline released, e.g. --version "$IMAGE_TAG"',
    ],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(MonitorError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });

  it('refuses an unknown environment', async () => {
    await expect(monitor(deps, options({ environment: 'prod' }))).rejects.toThrow(
      'Unknown environment "prod" (DROP_ENV). Known environments: production, production-stockholm, staging.',
    );
  });

  it('refuses a time scale that would lengthen the waits', () => {
    expect(timeScale(undefined)).toBe(1);
    expect(timeScale('0.01')).toBe(0.01);
    expect(() => timeScale('2')).toThrow('DROP_PIPELINE_TIME_SCALE "2" is not a number above 0 and at most 1');
  });

  it('refuses a bad DROP_PIPELINE_TIME_SCALE as a command with the message alone, no stack trace', () => {
    const root = path.join(__dirname, '..', '..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'monitor.ts'), '--env', 'production'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DROP_PIPELINE_TIME_SCALE: '2' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('DROP_PIPELINE_TIME_SCALE "2" is not a number above 0 and at most 1\n');
  }, 60_000);
});
