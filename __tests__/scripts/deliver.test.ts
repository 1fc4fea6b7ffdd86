/**
 * npm run deliver: plan, stop for a reviewer on a stateful replacement or deletion, else apply the
 * saved plan. Terraform is a small script here that prints a given plan and logs its calls.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliverError, deliver } from '../../scripts/deliver';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stack directory and a terraform that answers `plan` with `plan` and fails `failing`. */
function setUp(plan: string, failing?: string) {
  dir = mkdtempSync(path.join(tmpdir(), 'deliver-test-'));
  const stackDir = path.join(dir, 'stack');
  mkdirSync(stackDir);
  writeFileSync(path.join(stackDir, 'cdk.tf.json'), '{}');
  writeFileSync(path.join(dir, 'plan.txt'), plan);
  const terraform = path.join(dir, 'terraform');
  writeFileSync(
    terraform,
    `#!/bin/sh\necho "$*" >> "${dir}/calls"\n[ "$1" = "${failing ?? '-'}" ] && { echo "Error: $1 failed" >&2; exit 1; }\n[ "$1" = plan ] && cat "${dir}/plan.txt"\nexit 0\n`,
  );
  chmodSync(terraform, 0o755);
  const output: string[] = [];
  const summary = path.join(dir, 'summary.md');
  const run = () =>
    deliver({
      stack: 'data',
      environment: 'staging',
      stackDir,
      env: { PATH: process.env.PATH, TERRAFORM_BINARY_NAME: terraform },
      log: (t) => output.push(t),
      summary,
    });
  const calls = () => readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n');
  return { run, calls, output, summary };
}

describe('npm run deliver', () => {
  it('applies exactly the plan it read when nothing stateful is replaced or deleted', () => {
    const { run, calls } = setUp('  # aws_db_parameter_group.p will be updated in-place\n\nPlan: 0 to add, 1 to change, 0 to destroy.\n');
    expect(run()).toEqual({ outcome: 'applied', plan: 'data.tfplan' });
    expect(calls()).toEqual([
      'init -input=false -no-color',
      'plan -input=false -no-color -out=data.tfplan',
      'apply -input=false -no-color data.tfplan',
    ]);
  });

  it('stops for a reviewer, applying nothing, when the plan replaces the database', () => {
    const { run, calls, summary } = setUp(
      '  # aws_db_instance.database_instance_D7FC2283 must be replaced\n\nPlan: 1 to add, 0 to change, 1 to destroy.\n',
    );
    const result = run();
    expect(result.outcome).toBe('stopped');
    expect(calls()).toEqual(['init -input=false -no-color', 'plan -input=false -no-color -out=data.tfplan']);
    expect(result.outcome === 'stopped' && result.message).toBe(
      [
        'Stopped for a reviewer: the plan of staging/data replaces or deletes stateful resources, and nothing was applied:',
        '  - aws_db_instance.database_instance_D7FC2283: replaces a stateful aws_db_instance (the plan says "must be replaced"): its data goes with the old one',
        'A reviewer who accepts this reads the plan above (or the run in Terraform Cloud) and applies it by hand with their own',
        'Terraform Cloud token: DROP_ENV=staging npx cdktf deploy data. Then re-run this job: its plan is then clean, and it goes on.',
        'Otherwise revert the change (a `moved` block keeps a renamed resource).',
      ].join('\n'),
    );
    expect(readFileSync(summary, 'utf8')).toContain('| ⚠️ replace-stateful | `aws_db_instance.database_instance_D7FC2283` |');
  });

  it("stops at Terraform's failure, naming the command", () => {
    const { run, calls, output } = setUp('', 'plan');
    expect(run()).toEqual({ outcome: 'failed', status: 1, command: 'terraform plan' });
    expect(calls()).toHaveLength(2);
    expect(output.join('')).toContain('Error: plan failed');
  });

  it('refuses to run without a synth', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'deliver-test-'));
    expect(() => deliver({ stack: 'data', environment: 'staging', stackDir: dir, env: {}, log: () => undefined })).toThrow(
      new DeliverError(`${dir}/cdk.tf.json does not exist: run npm run synth first`),
    );
  });
});
