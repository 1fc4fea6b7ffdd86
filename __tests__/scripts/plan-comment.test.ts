/**
 * The pull request's plan comment (scripts/plan-comment.mjs): it fits GitHub's limit however many
 * plans there are, shows a failed plan's errors, and says so when no plan was uploaded.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMENT_LIMIT, planComment, readPlans } from '../../scripts/plan-comment.mjs';

const RUN = 'https://github.com/getdrop/drop-platform/actions/runs/42';
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('the plan comment', () => {
  it('fits GitHub’s 65,536 characters with twelve long plans, each cut to its share, and links the full plans', () => {
    const plans = Array.from({ length: 12 }, (_, i) => ({
      name: `env${i}-stack`,
      plan: `${'  # aws_x.y will be updated in-place\n'.repeat(2_000)}Plan: 0 to add, ${i} to change, 0 to destroy.`,
      errors: '',
      status: 0,
    }));
    const body = planComment(plans, { runUrl: RUN });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain(`Every plan in full: [the run's artifacts](${RUN}#artifacts).`);
    // each plan keeps its end: the summary line
    for (let i = 0; i < 12; i++) expect(body).toContain(`<b>env${i}-stack</b>: Plan: 0 to add, ${i} to change, 0 to destroy.`);
    expect(body).toContain('(cut: the whole output is in the run artifacts)');
  });

  it('shows a failed plan as failed, with Terraform’s errors first', () => {
    const body = planComment(
      [{ name: 'staging-data', plan: 'Terraform used the selected providers', errors: 'Error: Unsupported argument', status: 1 }],
      {
        runUrl: RUN,
      },
    );
    expect(body).toContain('**1 of 1 plans failed.**');
    expect(body).toContain('<b>staging-data</b>: **failed** (exit 1)');
    expect(body.indexOf('Error: Unsupported argument')).toBeLessThan(body.indexOf('Terraform used the selected providers'));
  });

  it('says so when no plan was uploaded, instead of failing on the missing directory', () => {
    expect(readPlans(path.join(tmpdir(), 'no-such-plans-dir'))).toEqual([]);
    expect(planComment([], { runUrl: RUN })).toContain('**No plan was uploaded**: the plan jobs stopped before Terraform ran.');
  });

  it('reads the artifacts the plan jobs upload: output, errors and status', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'plans-'));
    mkdirSync(path.join(dir, 'plan-staging-edge'));
    writeFileSync(path.join(dir, 'plan-staging-edge', 'plan.txt'), 'No changes.');
    writeFileSync(path.join(dir, 'plan-staging-edge', 'errors.txt'), '');
    writeFileSync(path.join(dir, 'plan-staging-edge', 'status'), '0\n');
    mkdirSync(path.join(dir, 'plan-staging-data'));
    expect(readPlans(dir)).toEqual([
      { name: 'staging-data', plan: '', errors: '', status: undefined },
      { name: 'staging-edge', plan: 'No changes.', errors: '', status: 0 },
    ]);
  });
});
