// @ts-check
/**
 * The pull request's plan comment, from the plan artifacts (`plans/plan-<env>-<stack>/{plan.txt,
 * errors.txt,status}` as scripts/plan-pull-request.ts writes them). Plain JavaScript, so the
 * comment job's actions/github-script imports it without an install.
 *
 * - A failed plan says "failed" with Terraform's error output, never a summary of its stdout.
 * - The whole body fits GitHub's limit of 65,536 characters for an issue comment: each section is
 *   cut to an equal share, errors before plan output, and the comment links the run's artifacts,
 *   which hold every plan in full.
 * - No artifacts at all (the plan jobs failed before uploading) is a comment that says so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** GitHub refuses a comment body longer than this. */
export const COMMENT_LIMIT = 65536;
export const MARKER = '<!-- drop-terraform-plans -->';

/**
 * @typedef {{ name: string, plan: string, errors: string, status: number | undefined }} PlanArtifact
 */

/**
 * Reads every plan artifact under `dir`; none when the directory does not exist.
 * @param {string} dir
 * @returns {PlanArtifact[]}
 */
export function readPlans(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .map((entry) => {
      const read = (/** @type {string} */ file) => {
        const full = path.join(dir, entry, file);
        return fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
      };
      const status = read('status');
      return {
        name: entry.replace(/^plan-/, ''),
        plan: read('plan.txt') ?? '',
        errors: read('errors.txt') ?? '',
        status: status === undefined ? undefined : Number(status.trim()),
      };
    });
}

/**
 * @param {PlanArtifact} p
 * @returns {string}
 */
function headline(p) {
  if (p.status === undefined) return 'no result (the job stopped before Terraform finished: see its log)';
  if (p.status !== 0) return `**failed** (exit ${p.status})`;
  return (p.plan.match(/^(Plan:.*|No changes\..*)$/m) ?? ['planned (no summary line)'])[0];
}

const CUT = '(cut: the whole output is in the run artifacts)';

/**
 * At most `limit` characters of `text`: its end (a plan's summary is last), or with `keep:
 * "start"` its beginning (an error output's first error), marked when cut.
 * @param {string} text
 * @param {number} limit
 * @param {'start' | 'end'} keep
 */
function cut(text, limit, keep) {
  if (text.length <= limit) return text;
  const room = Math.max(0, limit - CUT.length - 2);
  return keep === 'end' ? `${CUT}\n…${text.slice(text.length - room)}` : `${text.slice(0, room)}…\n${CUT}`;
}

/**
 * The comment body.
 * @param {PlanArtifact[]} plans
 * @param {{ runUrl: string, limit?: number }} options
 * @returns {string}
 */
export function planComment(plans, { runUrl, limit = COMMENT_LIMIT }) {
  const head = `${MARKER}\n### Terraform plans\n\nEvery plan in full: [the run's artifacts](${runUrl}#artifacts).\n\n`;
  if (plans.length === 0) {
    return `${head}**No plan was uploaded**: the plan jobs stopped before Terraform ran. See [the run](${runUrl}).\n`;
  }
  const failed = plans.filter((p) => p.status !== 0);
  const summary = failed.length > 0 ? `**${failed.length} of ${plans.length} plans failed.**\n\n` : '';
  const frame = (/** @type {PlanArtifact} */ p, /** @type {string} */ body) =>
    `<details><summary><b>${p.name}</b>: ${headline(p)}</summary>\n\n\`\`\`\n${body}\n\`\`\`\n</details>\n`;
  const fixed = head.length + summary.length + plans.reduce((n, p) => n + frame(p, '').length, 0);
  const share = Math.max(0, Math.floor((limit - fixed) / plans.length));
  const sections = plans.map((p) => {
    const errors = p.errors.trim();
    // A failed plan shows Terraform's errors first, and keeps their beginning when cut.
    if (p.status !== 0 && errors) return frame(p, cut(`${errors}\n\n${p.plan.trim()}`, share, 'start'));
    return frame(p, cut(p.plan.trim(), share, 'end'));
  });
  return `${head}${summary}${sections.join('')}`.slice(0, limit);
}
