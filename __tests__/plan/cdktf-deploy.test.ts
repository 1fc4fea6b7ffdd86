/**
 * `cdktf deploy edge compute` as docs/deploying.md writes it: the real cdktf CLI, with a stand-in
 * terraform (TERRAFORM_BINARY_NAME) that records what it is asked to do. No --var, no TF_VAR_.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-cdktf-deploy-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function cdktf(args: string[], log: string) {
  // A copy of the project's entry points in a temp dir would need node_modules: run in place, with
  // the output directory in the temp dir so the working tree's cdktf.out is left alone.
  const result = spawnSync('npx', ['cdktf', ...args, '--output', path.join(work, `out-${path.basename(log)}`)], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TF_VAR_'))),
      CHECKPOINT_DISABLE: '1',
      DROP_ENV: 'staging',
      TERRAFORM_BINARY_NAME: path.join(__dirname, 'stand-in', 'terraform'),
      STAND_IN_LOG: log,
      CI: '1',
    },
    timeout: 180_000,
  });
  const calls = fs.existsSync(log)
    ? fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { stack: string; args: string[]; variables: string[] })
    : [];
  return { status: result.status, output: `${result.stdout}${result.stderr}`, calls };
}

describe('DROP_ENV=staging npx cdktf deploy edge compute --auto-approve', () => {
  it("passes the CLI's checks and applies compute, then edge, with no variables", () => {
    const { status, output, calls } = cdktf(['deploy', 'edge', 'compute', '--auto-approve'], path.join(work, 'together.log'));
    expect(status, output).toBe(0);
    const applies = calls.filter((call) => call.args[0] === 'apply');
    expect(applies.map((call) => call.stack)).toEqual(['compute', 'edge']);
    expect(applies.every((call) => call.args.every((arg) => !arg.startsWith('-var')))).toBe(true);
    expect(calls.flatMap((call) => call.variables)).toEqual([]);
    // and the stacks it applies ask for no variable a real terraform would prompt for
    for (const stack of ['compute', 'edge']) {
      const json = JSON.parse(fs.readFileSync(path.join(work, 'out-together.log', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      expect(json.variable, stack).toBeUndefined();
    }
  });

  it('is refused by the CLI when edge is deployed without compute (its dependency), before terraform applies anything', () => {
    const { status, output, calls } = cdktf(['deploy', 'edge', '--auto-approve'], path.join(work, 'alone.log'));
    expect(status).not.toBe(0);
    expect(output).toContain('The following dependencies are not included in the stacks to run: compute');
    expect(calls.filter((call) => call.args[0] === 'apply')).toEqual([]);
  });
});
