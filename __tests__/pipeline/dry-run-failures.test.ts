/**
 * The main workflow's failure paths, run for real (scripts/pipeline-dry-run.ts): a staging deploy
 * that fails after the release pointer changed, a job killed before its rollback could run, a plan
 * that would replace the database, a job that names no GitHub environment, a refused approval, and
 * a deploy command cdktf refuses.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { World, dryRun } from '../../scripts/pipeline-dry-run';
import { MINUTES, SHA, applies, history, step } from './dry-run-helpers';

const WORKFLOW = readFileSync(path.join(__dirname, '..', '..', '.github', 'workflows', 'main.yml'), 'utf8');
const STAGING = { jobs: ['environments', 'deploy-staging'] };

describe('the main workflow when staging fails, dry run', () => {
  let world: World;
  afterAll(() => world?.dispose());

  it(
    'restores the previous pointer after a failed deploy, and never rolls back to a release whose job was killed before its checks',
    async () => {
      world = await World.create();
      // GIVEN a run of commit A cancelled during its deploy, after it recorded the release, and
      // killed before its rollback could run (GitHub's 5-minute cancellation limit)
      const A = 'a'.repeat(40);
      const killed = await dryRun({ ...STAGING, world, sha: A, cancel: { job: 'deploy-staging', step: 'Deploy staging', hard: true } });
      expect(killed.jobs['deploy-staging']).toBe('cancelled');
      expect(step(killed, 'deploy-staging', 'staging', 'Roll back staging')).toMatchObject({ result: 'not run' });
      expect(killed.pointers['/drop/staging/release/api']).toMatch(/^a{40}@/);
      expect(history(killed, '/drop/staging/release/api').at(-1)).toMatch(/unverified/);

      // WHEN the next commit's deploy fails once its release is recorded (Terraform's apply of compute)
      const failed = await dryRun({
        ...STAGING,
        world,
        sha: SHA,
        terraformErrors: {
          'staging/compute/apply': 'Error: creating App Runner Service (drop-staging-api): InvalidRequestException: Image not accessible',
        },
      });

      // THEN its release step reported the unverified release the killed run left
      expect(failed.problems).toEqual([]);
      expect(step(failed, 'deploy-staging', 'staging', 'Record the release').output).toContain(
        `::warning::api in staging: the current release a${'a'.repeat(39)}@`,
      );
      // the deploy failed, and the rollback restored the last verified release: not A, which never passed its checks
      expect(step(failed, 'deploy-staging', 'staging', 'Deploy staging').output).toContain('Image not accessible');
      expect(failed.jobs['deploy-staging']).toBe('failure');
      expect(step(failed, 'deploy-staging', 'staging', 'Roll back staging').output).toContain(`api: v3 ${SHA} -> v1 previous`);
      expect(failed.pointers['/drop/staging/release/api']).toMatch(/^previous@/);
      expect(failed.pointers['/drop/staging/release/web']).toMatch(/^previous@/);
      expect(applies(failed.terraform, 'staging')).toEqual(['registry', 'data', 'compute', 'edge']);
      expect(step(failed, 'deploy-staging', 'staging', 'Health verification after rollback').output).toMatch(
        /check 3\/3: HTTP 200, status ok/,
      );
      expect(failed.deployments.staging).toEqual(['previous']);
    },
    8 * MINUTES,
  );
});

describe('the main workflow stops, dry run', () => {
  it(
    'for a reviewer when the data plan would replace the database: nothing is applied or released',
    async () => {
      // GIVEN a staging database deployed under another identifier: this commit's plan replaces it
      const result = await dryRun({
        ...STAGING,
        sha: SHA,
        deployed: (environment, stack, current) => {
          if (environment !== 'staging' || stack !== 'data') return current;
          const copy = structuredClone(current) as { resource: Record<string, Record<string, { identifier?: string }>> };
          for (const db of Object.values(copy.resource.aws_db_instance)) db.identifier = `${db.identifier}-old`;
          return copy;
        },
      });
      // THEN
      expect(result.problems).toEqual([]);
      const deliver = step(result, 'deploy-staging', 'staging', 'Deliver registry and data');
      expect(deliver.result).toBe('failure');
      expect(deliver.output).toMatch(/# aws_db_instance\.\S+ must be replaced/);
      expect(deliver.output).toContain(
        'Stopped for a reviewer: the plan of staging/data replaces or deletes stateful resources, and nothing was applied:',
      );
      expect(deliver.output).toMatch(/- aws_db_instance\.\S+: replaces a stateful aws_db_instance \(the plan says "must be replaced"\)/);
      expect(deliver.output).toContain('DROP_ENV=staging npx cdktf deploy data');
      expect(result.summaries.join('\n')).toContain('## Stopped for a reviewer: staging/data');
      expect(applies(result.terraform, 'staging')).toEqual(['registry']);
      for (const name of ['Record the release', 'Deploy staging', 'Roll back staging']) {
        expect(step(result, 'deploy-staging', 'staging', name).result, name).toBe('skipped');
      }
      expect(result.pointers['/drop/staging/release/api']).toMatch(/^previous@/);
    },
    5 * MINUTES,
  );

  it(
    'when a deploy job names no GitHub environment: its secrets.TF_API_TOKEN is empty, and terraform cannot reach Terraform Cloud',
    async () => {
      // GIVEN deploy-staging without its environment
      const unscoped = WORKFLOW.replace(/(\n {2}deploy-staging:[\s\S]*?)\n {4}environment: \$\{\{ matrix\.githubEnvironment \}\}/, '$1');
      expect(unscoped).not.toBe(WORKFLOW);
      // WHEN
      const result = await dryRun({ ...STAGING, sha: SHA, workflow: unscoped });
      // THEN it saw the repository's secrets only, and the first terraform init failed as terraform fails
      expect(result.legs.find((l) => l.job === 'deploy-staging')).toMatchObject({
        environment: undefined,
        secrets: ['CLOUDFLARE_READ_TOKEN', 'TF_PLAN_TOKEN'],
      });
      expect(step(result, 'deploy-staging', 'staging', 'hashicorp/setup-terraform@v3').output).toContain('no credentials (no token given)');
      const deliver = step(result, 'deploy-staging', 'staging', 'Deliver registry and data');
      expect(deliver.result).toBe('failure');
      expect(deliver.output).toContain('Error: Required token could not be found');
      expect(result.approvals).toEqual([]);
    },
    5 * MINUTES,
  );

  it(
    'when a reviewer refuses a production environment: the job fails without running a step',
    async () => {
      const result = await dryRun({
        sha: SHA,
        jobs: ['environments', 'deploy-production'],
        legs: (job, leg) => job !== 'deploy-production' || leg.environment === 'production',
        approvals: { production: 'reject' },
      });
      expect(result.approvals).toEqual([
        {
          job: 'deploy-production',
          leg: expect.stringMatching(/^production\//),
          environment: 'production',
          reviewers: ['@getdrop/platform-leads'],
          decision: 'rejected',
        },
      ]);
      expect(result.jobs['deploy-production']).toBe('failure');
      expect(result.steps.filter((s) => s.job === 'deploy-production').map((s) => s.step)).toEqual(['(approval)']);
      expect(result.terraform).toEqual([]);
    },
    5 * MINUTES,
  );

  it(
    'when the edge deploy is split off from compute (cdktf refuses it)',
    async () => {
      // GIVEN the deploy command as it was before
      const split = WORKFLOW.replace(
        /run: npx cdktf deploy compute edge --auto-approve\n(\s+)timeout-minutes: 10\n(\s+)- name: Smoke test/,
        'run: |\n          npx cdktf deploy compute --auto-approve\n          npx cdktf deploy edge --auto-approve\n$1timeout-minutes: 10\n$2- name: Smoke test',
      );
      expect(split).not.toBe(WORKFLOW);
      // WHEN
      const result = await dryRun({ ...STAGING, sha: SHA, workflow: split });
      // THEN the second command fails; the rollback restores the pointer
      expect(result.jobs['deploy-staging']).toBe('failure');
      expect(step(result, 'deploy-staging', 'staging', 'Deploy staging').output).toContain(
        'The following dependencies are not included in the stacks to run: compute',
      );
      expect(applies(result.terraform, 'staging')).toEqual(['registry', 'data', 'compute', 'compute', 'edge']);
      expect(result.pointers['/drop/staging/release/api']).toMatch(/^previous@/);
    },
    5 * MINUTES,
  );
});
