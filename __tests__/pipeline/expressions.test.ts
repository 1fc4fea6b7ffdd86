/**
 * The dry run's GitHub Actions expressions and workflow rules (scripts/dry-run/expressions.ts,
 * workflow.ts), against what GitHub documents: operators and their operand results, case-insensitive
 * string comparison, status functions, `fromJSON` matrices, the default shell.
 */
import { describe, expect, it } from 'vitest';
import { condition, evaluate, interpolate } from '../../scripts/dry-run/expressions';
import { type Job, legs, shellOf } from '../../scripts/dry-run/workflow';

const status = (failed: boolean, cancelled = false) => ({ success: !failed && !cancelled, failure: failed, cancelled });

describe("the dry run's expressions", () => {
  const contexts = {
    needs: {
      'deploy-staging': { result: 'success', outputs: { staging: '[{"environment":"staging","publicHost":"staging.getdrop.no"}]' } },
    },
    steps: { release: { outcome: 'success', outputs: {} }, existing: { outputs: { digest: '' } } },
    job: { status: 'failure' },
    matrix: { engine: 'ecs-express' },
  };

  it.each([
    ["failure() && needs.deploy-staging.result == 'success'", true, true],
    ["failure() && needs.deploy-staging.result == 'SUCCESS'", true, true], // GitHub compares strings case-insensitively
    ["needs.deploy-staging.result != 'skipped'", true, false], // no status function: success() && ...
    ['always()', true, true],
    ["always() && steps.release.outcome != 'skipped' && job.status != 'success'", false, true],
    ["always() && steps.release.outcome != 'skipped' && job.status != 'success' && matrix.engine == 'ecs-express'", false, true],
    ["steps.existing.outputs.digest == ''", false, true],
    ["!cancelled() && (failure() || needs.deploy-staging.result == 'skipped')", false, false],
  ] as const)('%s (an earlier step failed: %s) is %s', (source, failed, expected) => {
    expect(condition(source, contexts, status(failed))).toBe(expected);
  });

  it('runs always() steps, and only those, when the run is cancelled', () => {
    expect(condition("always() && steps.release.outcome != 'skipped'", contexts, status(false, true))).toBe(true);
    expect(condition('failure()', contexts, status(false, true))).toBe(false);
    expect(condition('success()', contexts, status(false, true))).toBe(false);
  });

  it('reads fromJSON of an output, and && and || return their operands', () => {
    expect(evaluate('fromJSON(needs.deploy-staging.outputs.staging)[0].publicHost', contexts)).toBe('staging.getdrop.no');
    expect(evaluate("steps.existing.outputs.digest != ''", contexts)).toBe(false);
    expect(evaluate("matrix.missing || 'default'", contexts)).toBe('default');
    expect(interpolate('--reused "${{ steps.existing.outputs.digest != \'\' }}"', contexts)).toBe('--reused "false"');
  });

  it('refuses what it does not model, with the expression', () => {
    expect(() => condition("hashFiles('**/package-lock.json') != ''", contexts, status(false))).toThrow('hashFiles() is not modelled');
    expect(() => evaluate('vars.AWS_REGION', contexts)).toThrow('the context vars is not available here');
  });
});

describe("the dry run's workflow rules", () => {
  it('expands a matrix given as fromJSON of an earlier job’s output', () => {
    const job = { strategy: { matrix: { include: '${{ fromJSON(needs.environments.outputs.staging) }}' } }, steps: [] } as Job;
    const needs = { environments: { outputs: { staging: '[{"environment":"staging","promotedFrom":"a b"}]' } } };
    expect(legs(job, { needs })).toEqual([{ environment: 'staging', promotedFrom: 'a b' }]);
  });

  it("runs a step with GitHub's shells: bash -e without pipefail unless the step, job or workflow says shell: bash", () => {
    const step = { run: 'a | b' };
    expect(shellOf(step, { steps: [] }, { jobs: {} })).toEqual(['bash', '-e', '{0}']);
    expect(shellOf({ ...step, shell: 'bash' }, { steps: [] }, { jobs: {} })).toEqual([
      'bash',
      '--noprofile',
      '--norc',
      '-eo',
      'pipefail',
      '{0}',
    ]);
    expect(shellOf(step, { steps: [], defaults: { run: { shell: 'bash' } } }, { jobs: {} })).toContain('pipefail');
    expect(shellOf(step, { steps: [] }, { jobs: {}, defaults: { run: { shell: 'sh' } } })).toEqual(['sh', '-e', '{0}']);
  });
});
