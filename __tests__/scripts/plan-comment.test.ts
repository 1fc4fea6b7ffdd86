/** scripts/plan-comment.mjs: the pull request's plan comment, from the plan artifacts. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMENT_LIMIT, MARKER, planComment, readPlans } from '../../scripts/plan-comment.mjs';

const RUN = 'https://github.com/getdrop/drop-platform/actions/runs/1';
const ok = (name: string, plan = 'Plan: 1 to add, 0 to change, 0 to destroy.') => ({ name, plan, errors: '', status: 0 });

describe('the plan comment', () => {
  it('says a failed plan failed and shows its errors, never a green summary (the comment before the fix said "see details")', () => {
    const body = planComment(
      [ok('staging-data'), { name: 'staging-edge', plan: 'Planning...\n', errors: 'Error: Invalid reference\n', status: 1 }],
      {
        runUrl: RUN,
      },
    );
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toContain('**1 of 2 plans failed.**');
    expect(body).toContain('<b>staging-edge</b>: **failed** (exit 1)');
    expect(body).toContain('Error: Invalid reference');
    expect(body).toContain('<b>staging-data</b>: Plan: 1 to add, 0 to change, 0 to destroy.');
  });

  it("fits GitHub's 65,536 characters with 12 long plans, cutting each to its share and linking the full plans", () => {
    const long = 'x'.repeat(20_000);
    const plans = Array.from({ length: 12 }, (_, i) => ok(`env-${i}`, `${long}\nPlan: 3 to add, 1 to change, 0 to destroy.`));
    const body = planComment(plans, { runUrl: RUN });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain(`[the run's artifacts](${RUN}#artifacts)`);
    // each section keeps its summary line (the end of a plan) and says it was cut
    expect(body.match(/Plan: 3 to add/g)).toHaveLength(24);
    expect(body.match(/\(cut: the whole output is in the run artifacts\)/g)).toHaveLength(12);
  });

  it('keeps the first error of a long failed plan', () => {
    const errors = `Error: the first thing wrong\n${'y'.repeat(100_000)}`;
    const body = planComment([{ name: 'production-data', plan: '', errors, status: 1 }], { runUrl: RUN, limit: 5_000 });
    expect(body.length).toBeLessThanOrEqual(5_000);
    expect(body).toContain('Error: the first thing wrong');
  });

  it('says so when no plan artifact was uploaded at all (readdirSync threw before)', () => {
    const missing = path.join(os.tmpdir(), 'drop-no-plans-here');
    expect(readPlans(missing)).toEqual([]);
    expect(planComment(readPlans(missing), { runUrl: RUN })).toContain('**No plan was uploaded**');
  });

  it('reads plan.txt, errors.txt and status of each artifact, and a job that stopped before Terraform', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-plans-'));
    try {
      fs.mkdirSync(path.join(dir, 'plan-staging-registry'));
      fs.writeFileSync(path.join(dir, 'plan-staging-registry', 'plan.txt'), 'No changes. Your infrastructure matches the configuration.\n');
      fs.writeFileSync(path.join(dir, 'plan-staging-registry', 'status'), '0\n');
      fs.mkdirSync(path.join(dir, 'plan-staging-data'));
      const plans = readPlans(dir);
      expect(plans).toEqual([
        { name: 'staging-data', plan: '', errors: '', status: undefined },
        { name: 'staging-registry', plan: 'No changes. Your infrastructure matches the configuration.\n', errors: '', status: 0 },
      ]);
      const body = planComment(plans, { runUrl: RUN });
      expect(body).toContain('<b>staging-data</b>: no result');
      expect(body).toContain('<b>staging-registry</b>: No changes.');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
