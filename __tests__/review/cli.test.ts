/** The review CLI end to end: it synthesizes the base ref in a temporary worktree and reports. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const review = (...args: string[]) =>
  spawnSync(tsx, ['scripts/review.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });

describe('npm run review', () => {
  it('compares with the base synthesized in a temporary worktree, writes one file per environment, and cleans up', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-review-out-'));
    const worktreesBefore = spawnSync('git', ['worktree', 'list'], { cwd: ROOT, encoding: 'utf8' }).stdout;
    try {
      const result = review('--base', 'HEAD', '--env', 'staging', '--out', out);
      expect(result.status, result.stderr).toBe(0);
      // HEAD's committed synth; the working tree may differ from it only by uncommitted work.
      expect(result.stdout).toMatch(/Against `HEAD` \([0-9a-f]{12}\): \d+ added, \d+ changed, \d+ removed/);
      expect(result.stdout).toContain('Policy gate passes');
      expect(fs.readFileSync(path.join(out, 'review-staging.md'), 'utf8')).toBe(result.stdout);
      expect(spawnSync('git', ['worktree', 'list'], { cwd: ROOT, encoding: 'utf8' }).stdout).toBe(worktreesBefore);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('says so in the report when the base cannot be synthesized', () => {
    const result = review('--base', 'no-such-ref-anywhere', '--env', 'staging');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('> **The base `no-such-ref-anywhere` could not be synthesized**');
    expect(result.stdout).toContain('git cannot resolve "no-such-ref-anywhere" to a commit');
  }, 30_000);

  it('refuses unknown arguments and environments with one line and exit code 2', () => {
    const result = review('--env', 'nowhere');
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^review: unknown environment nowhere; known: [a-z, -]*staging/);
  }, 30_000);
});
