/**
 * The main workflow, run for real on this machine (scripts/pipeline-dry-run.ts): its `run:` steps
 * in the workflow's order, the cdktf CLI with a stand-in terraform that records each call, a
 * loopback fake of AWS, and the real API as the deployed service. Not run: `uses:` actions,
 * `npm ci`, the Docker build and pushes, the `verify` job (npm test itself) and the e2e job (a
 * browser through the HTTPS edge); see SKIPPED_STEPS and SKIPPED_JOBS.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeDigest } from '../../scripts/dry-run/fake-aws';
import { type DryRunResult, type TerraformCall, dryRun } from '../../scripts/pipeline-dry-run';
import { condition } from '../../scripts/dry-run/workflow';

const SHA = 'c0ffee0000000000000000000000000000000001';
const WORKFLOW = readFileSync(path.join(__dirname, '..', '..', '.github', 'workflows', 'main.yml'), 'utf8');
const MINUTES = 60_000;
const pointer = (env: string, service: string, tag: string) => `${tag}@${fakeDigest(`drop-${env}/${service}`, tag)}`;

/** Every `cdktf deploy` of an environment, as the stacks it applied, in order. */
function applies(calls: readonly TerraformCall[], environment: string): string[] {
  return calls.filter((c) => c.environment === environment && c.args[0] === 'apply').map((c) => c.stack);
}

function step(result: DryRunResult, job: string, leg: string, name: string) {
  const found = result.steps.find((s) => s.job === job && s.leg.startsWith(leg) && s.step === name);
  expect(found, `${job} (${leg}) has no step "${name}"`).toBeDefined();
  return found!;
}

describe('the main workflow, dry run', () => {
  it(
    'delivers through staging and production, and rolls back the environment where an alarm fires',
    async () => {
      // GIVEN a compute alarm fires in production-stockholm (ECS Express) once this commit's release runs there
      // WHEN the workflow runs
      const result = await dryRun({ sha: SHA, alarm: ['production-stockholm'] });

      // THEN every deploy passes cdktf's checks and applies compute before edge, in each environment
      expect(applies(result.terraform, 'staging')).toEqual(['compute', 'edge']);
      expect(applies(result.terraform, 'production')).toEqual(['compute', 'edge']);
      // (the deploy, then the rollback's deploy)
      expect(applies(result.terraform, 'production-stockholm')).toEqual(['compute', 'edge', 'compute', 'edge']);
      expect(new Set(result.terraform.map((c) => c.args[0]))).toEqual(new Set(['version', '-v', 'init', 'providers', 'apply', 'output']));
      expect(step(result, 'scan', 'production-stockholm/api', 'Image scan').output).toContain(
        `drop-production-stockholm/api:${SHA} passed the scan`,
      );

      // the smoke test and the 3 checks 10 s apart call the real health endpoint
      expect(result.jobs).toMatchObject({
        'deploy-staging': 'success',
        'smoke-staging': 'success',
        'rollback-staging': 'skipped',
        'deploy-production': 'failure',
      });
      expect(step(result, 'smoke-staging', '', 'Smoke test').output).toMatch(/check 1\/1: HTTP 200, status ok/);
      expect(step(result, 'deploy-production', 'production/', 'Health verification').output).toMatch(/check 3\/3: HTTP 200, status ok/);

      // a passing run records the new release, watches it for its 15 minutes and reports them
      expect(result.pointers['/drop/staging/release/api']).toBe(pointer('staging', 'api', SHA));
      expect(result.pointers['/drop/production/release/web']).toBe(pointer('production', 'web', SHA));
      expect(result.deployments.production).toEqual([SHA]);
      expect(step(result, 'deploy-production', 'production/', 'Post-deployment monitoring').result).toBe('success');
      expect(step(result, 'deploy-production', 'production/', 'Roll back production').result).toBe('skipped');
      const report = result.summaries.find((s) => s.includes('monitoring: production passed'));
      expect(report).toContain(`| api | \`${pointer('production', 'api', SHA)}\` |`);
      // the three alarms of each service, and the api's overload alarm
      expect(report).toMatch(/\| 2 \| [\d:]+ \| ok: HTTP 200, status ok \| ok: 7 alarms, none firing/);
      expect(report).not.toContain('FAILED');

      // a firing alarm during the watch rolls back to the recorded previous release, in that environment only
      const watch = step(result, 'deploy-production', 'production-stockholm/', 'Post-deployment monitoring');
      expect(watch.result).toBe('failure');
      expect(watch.output).toContain(
        'ALARM: drop-production-stockholm-api-cpu (Threshold Crossed: CPU above 80 % for 3 minutes (dry run))',
      );
      // (ECS Express: the CPU alarm is the compute alarm the stack defines, see docs/compute-engines.md)
      expect(watch.output).toMatch(/check 1: health ok .*alarms FAILED/);
      expect(result.summaries.join('\n')).toContain('## Post-deployment monitoring: production-stockholm FAILED, rolling back');
      expect(step(result, 'deploy-production', 'production-stockholm/', 'Roll back production').output).toContain(
        `api: v2 ${SHA} -> v1 previous`,
      );
      expect(step(result, 'deploy-production', 'production-stockholm/', 'Health verification after rollback').output).toMatch(
        /check 3\/3: HTTP 200, status ok/,
      );
      expect(result.deployments['production-stockholm']).toEqual([SHA, 'previous']);
      expect(result.pointers['/drop/production-stockholm/release/api']).toBe(pointer('production-stockholm', 'api', 'previous'));
      expect(result.aws.state.parameters.get('/drop/production-stockholm/release/api')!.at(-1)!.description).toBe(
        `rolled back from ${pointer('production-stockholm', 'api', SHA)} (to v1)`,
      );
    },
    8 * MINUTES,
  );

  it(
    'rolls back staging when the health check of the smoke test fails',
    async () => {
      // GIVEN this commit's release fails at start-up in staging
      const result = await dryRun({ sha: SHA, broken: ['staging'], jobs: ['deploy-staging', 'smoke-staging', 'rollback-staging'] });
      // THEN the smoke test fails on the real endpoint, and the rollback redeploys the previous release
      expect(result.jobs).toMatchObject({ 'deploy-staging': 'success', 'smoke-staging': 'failure', 'rollback-staging': 'success' });
      expect(step(result, 'smoke-staging', '', 'Smoke test').output).toMatch(/check 1\/1: request failed: connect ECONNREFUSED 127.0.0.1/);
      expect(applies(result.terraform, 'staging')).toEqual(['compute', 'edge', 'compute', 'edge']);
      expect(result.pointers['/drop/staging/release/web']).toBe(pointer('staging', 'web', 'previous'));
      expect(step(result, 'rollback-staging', '', 'Health verification after rollback').output).toMatch(/check 3\/3: HTTP 200, status ok/);
      expect(result.deployments.staging).toEqual([`${SHA} (broken)`, 'previous']);
    },
    5 * MINUTES,
  );

  it(
    'fails when the edge deploy is split off from compute (cdktf refuses it)',
    async () => {
      // GIVEN the deploy command as it was before
      const split = WORKFLOW.replace(
        /run: npx cdktf deploy compute edge --auto-approve\n(\s+)timeout-minutes: 10\n\n {2}smoke-staging/,
        'run: |\n          npx cdktf deploy compute --auto-approve\n          npx cdktf deploy edge --auto-approve\n$1timeout-minutes: 10\n\n  smoke-staging',
      );
      expect(split).not.toBe(WORKFLOW);
      // WHEN
      const result = await dryRun({ sha: SHA, workflow: split, jobs: ['deploy-staging'] });
      // THEN
      expect(result.jobs['deploy-staging']).toBe('failure');
      expect(step(result, 'deploy-staging', '', 'Deploy staging').output).toContain(
        'The following dependencies are not included in the stacks to run: compute',
      );
      expect(applies(result.terraform, 'staging')).toEqual(['compute']);
    },
    5 * MINUTES,
  );
});

describe("the dry run's if: conditions", () => {
  const context = (ancestorsFailed: boolean, result: 'success' | 'failure' | 'skipped') => ({
    sha: SHA,
    matrix: {},
    needs: { 'deploy-staging': { result, outputs: {} } },
    steps: {},
    jobFailed: false,
    ancestorsFailed,
  });

  it.each([
    ["failure() && needs.deploy-staging.result == 'success'", true, 'success', true],
    ["failure() && needs.deploy-staging.result == 'success'", true, 'failure', false],
    ["failure() && needs.deploy-staging.result == 'success'", false, 'success', false],
    ["needs.deploy-staging.result != 'skipped'", true, 'success', false],
    ['always()', true, 'failure', true],
    ["!cancelled() && (failure() || needs.deploy-staging.result == 'skipped')", false, 'skipped', true],
  ] as const)('%s (an earlier job failed: %s, deploy-staging: %s) is %s', (source, failed, result, expected) => {
    expect(condition(source, context(failed, result))).toBe(expected);
  });

  it('refuses what it cannot evaluate', () => {
    expect(() => condition("contains(github.ref, 'main')", context(false, 'success'))).toThrow('cannot');
  });
});
