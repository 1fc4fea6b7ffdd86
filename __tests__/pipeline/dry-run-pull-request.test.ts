/**
 * The pull-request workflow's plan, run for real (scripts/pipeline-dry-run.ts): the plan job of one
 * environment and stack, and the comment job's github-script against a stand-in of GitHub's API.
 * The first test runs the plan step as it was (`terraform plan | tee`, GitHub's default shell
 * without pipefail): Terraform fails, the step passes, and the dry run reports the hidden failure.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dump, load } from 'js-yaml';
import { type DryRunOptions, dryRun } from '../../scripts/pipeline-dry-run';
import type { Step, Workflow } from '../../scripts/dry-run/workflow';
import { MINUTES, step } from './dry-run-helpers';

const WORKFLOW = readFileSync(path.join(__dirname, '..', '..', '.github', 'workflows', 'pull-request.yml'), 'utf8');
const OLD_STEP = load(readFileSync(path.join(__dirname, 'fixtures', 'plan-step-with-tee.yml'), 'utf8')) as Step;

const STAGING_COMPUTE: DryRunOptions = {
  file: 'pull-request.yml',
  pullRequest: 7,
  jobs: ['environments', 'plan', 'comment'],
  legs: (job, leg) => job !== 'plan' || (leg.environment === 'staging' && leg.stack === 'compute'),
};

/** The pull-request workflow with its plan step as it was (the fixture), the token given the way it was (the CLI configuration). */
function withOldPlanStep(): string {
  const workflow = load(WORKFLOW) as Workflow;
  const steps = workflow.jobs.plan.steps;
  steps[steps.findIndex((s) => s.name === 'Terraform plan')] = OLD_STEP;
  steps.find((s) => s.uses?.startsWith('hashicorp/setup-terraform'))!.with!.cli_config_credentials_token = '${{ secrets.TF_PLAN_TOKEN }}';
  return dump(workflow);
}

describe('the pull-request plan, dry run', () => {
  it(
    'finds the failure the old plan step hid: terraform plan failed, the step passed',
    async () => {
      // GIVEN the old step: Terraform Cloud refuses the plan (the pull-request token cannot queue runs)
      const result = await dryRun({ ...STAGING_COMPUTE, workflow: withOldPlanStep() });
      // THEN GitHub would show a green plan job
      const plan = step(result, 'plan', 'staging/compute', 'Terraform plan');
      expect(plan.result).toBe('success');
      expect(plan.output).toContain('Error: Insufficient rights to generate a plan');
      expect(result.jobs.plan).toBe('success');
      // and the dry run does not: the failure was hidden
      expect(result.problems).toEqual([
        expect.stringMatching(
          /^plan \(staging\/compute\/eu-west-1\) \/ Terraform plan: passed, but terraform plan -input=false -no-color -lock=false \(staging\/compute\) failed in it: the step hid the failure/,
        ),
      ]);
    },
    5 * MINUTES,
  );

  it(
    'plans in the runner, and when Terraform fails the job fails and the comment shows the error',
    async () => {
      // GIVEN today's plan step, and a configuration Terraform rejects
      const error =
        'Error: Reference to undeclared resource\n\n  on cdk.tf.json line 1:\nA managed resource "aws_nope" "x" has not been declared in the root module.';
      const result = await dryRun({ ...STAGING_COMPUTE, terraformErrors: { 'staging/compute/plan': error } });
      // THEN nothing is hidden: the plan step and its job fail
      expect(result.problems).toEqual([]);
      const plan = step(result, 'plan', 'staging/compute', 'Terraform plan');
      expect(plan.result).toBe('failure');
      expect(result.jobs.plan).toBe('failure');
      // it planned on a copy of the state, with the read-only token and no Terraform Cloud run
      expect(result.terraform.filter((c) => c.stack === 'compute').map((c) => `${c.args.slice(0, 2).join(' ')} -> ${c.status}`)).toEqual([
        'init -input=false -> 0',
        'state pull -> 0',
        'init -input=false -> 0',
        'plan -input=false -> 1',
      ]);
      // and the comment job still posts, showing Terraform's error, not a summary of its output
      expect(result.jobs.comment).toBe('success');
      expect(result.comments).toHaveLength(1);
      expect(result.comments[0]).toContain('**1 of 1 plans failed.**');
      expect(result.comments[0]).toContain('<b>staging-compute</b>: **failed** (exit 1)');
      expect(result.comments[0]).toContain('A managed resource "aws_nope" "x" has not been declared in the root module.');
    },
    5 * MINUTES,
  );
});
