/** The review CLI: it synthesizes the base ref in a temporary worktree and reports. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReview } from '../../review/cli';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs the CLI in this process, capturing what it prints. */
function review(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runReview(argv, { out: (t) => (out += t), err: (t) => (err += t), env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  return { code, out, err };
}

const worktrees = () => spawnSync('git', ['worktree', 'list', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout;

describe('npm run review', () => {
  it('compares with the base synthesized in a temporary worktree, writes one file per environment, and cleans up', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-review-out-'));
    const before = worktrees();
    try {
      // GIVEN the committed HEAD as the base WHEN the entry point runs
      const result = spawnSync(
        path.join(ROOT, 'node_modules', '.bin', 'tsx'),
        ['scripts/review.ts', '--base', 'HEAD', '--env', 'staging', '--out', out],
        {
          cwd: ROOT,
          encoding: 'utf8',
          env: { ...process.env, CHECKPOINT_DISABLE: '1' },
        },
      );
      // THEN it reports against HEAD's synth (the working tree may differ by uncommitted work)
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/Against `HEAD` \([0-9a-f]{12}\): \d+ added, \d+ changed, \d+ removed/);
      expect(result.stdout).toContain('Policy gate passes');
      // one file per report: the environment's, and the bootstrap stack's (reviewed with every run)
      const written = ['review-staging.md', 'review-control.md'].map((file) => fs.readFileSync(path.join(out, file), 'utf8'));
      expect(written.join('\n')).toBe(result.stdout);
      expect(worktrees()).toBe(before);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('says so in the report when the base cannot be synthesized', () => {
    const result = review('--base', 'no-such-ref-anywhere', '--env', 'staging');
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('> **The base `no-such-ref-anywhere` could not be synthesized**');
    expect(result.out).toContain('git cannot resolve "no-such-ref-anywhere" to a commit');
    expect(result.out).toContain('## Review: control');
  });

  it('refuses unknown arguments and environments with one line and exit code 2', () => {
    expect(review('--env', 'nowhere')).toMatchObject({
      code: 2,
      out: '',
      err: expect.stringMatching(/^review: unknown environment nowhere; known: [a-z, -]*staging\n$/),
    });
    expect(review('--base')).toMatchObject({ code: 2, err: 'review: --base needs a value\n' });
    expect(review('--bas', 'main')).toMatchObject({
      code: 2,
      err: expect.stringContaining('review: unknown argument "--bas"; usage: npm run review'),
    });
  });
});
