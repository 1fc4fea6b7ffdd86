/**
 * The main workflow, run for real on this machine (scripts/pipeline-dry-run.ts): its jobs in the
 * order GitHub would run them, each leg on a fresh runner, `run:` steps with GitHub's shells, the
 * cdktf CLI with a stand-in terraform and docker, a loopback fake of AWS, the real API as the
 * deployed service, the bootstrap stack's secrets by scope, and the production approvals. Not run:
 * `npm ci`, the `verify` job (npm test itself) and the e2e job (a browser through the HTTPS edge).
 *
 * The second test re-runs the same commit against the cloud the first one left.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { World, dryRun } from '../../scripts/pipeline-dry-run';
import { MINUTES, SHA, applies, history, step } from './dry-run-helpers';

describe('the main workflow, dry run', () => {
  let world: World;
  afterAll(() => world?.dispose());

  it(
    'delivers every stack in order through staging and production, behind the approvals, and rolls back what fails its checks',
    async () => {
      // GIVEN a compute alarm that fires in production once this commit runs there, and a
      // production-stockholm deploy that leaves the old release running (ECS Express)
      world = await World.create();
      // WHEN the workflow runs
      const result = await dryRun({ sha: SHA, world, alarm: ['production'], stale: ['production-stockholm'] });

      // THEN nothing failed that the run did not show
      expect(result.problems).toEqual([]);
      expect(result.jobs).toMatchObject({
        environments: 'success',
        images: 'success',
        push: 'success',
        'deploy-staging': 'success',
        'deploy-production': 'failure',
      });

      // every environment gets registry and data, then its release, then compute and edge; the
      // production ones roll back compute and edge after their checks fail
      expect(applies(result.terraform, 'staging')).toEqual(['registry', 'data', 'compute', 'edge']);
      expect(applies(result.terraform, 'production')).toEqual(['registry', 'data', 'compute', 'edge', 'compute', 'edge']);
      expect(applies(result.terraform, 'production-stockholm')).toEqual(['registry', 'data', 'compute', 'edge', 'compute', 'edge']);
      const names = result.steps.filter((s) => s.job === 'deploy-staging').map((s) => s.step);
      expect(names.indexOf('Deliver registry and data')).toBeLessThan(names.indexOf('Record the release'));

      // the images were built once and pushed to every registry; every registry holds the same image
      expect(result.docker.filter((c) => c.args[0] === 'push')).toHaveLength(6);
      const staging = result.aws.state.images.get('drop-staging/api')!.find((i) => i.tag === SHA)!;
      expect(result.aws.state.images.get('drop-production-stockholm/api')!.find((i) => i.tag === SHA)!.digest).toBe(staging.digest);
      expect(step(result, 'push', 'production-stockholm/api', 'Image scan').output).toContain(
        `drop-production-stockholm/api:${SHA} passed the scan`,
      );

      // secrets by scope: the jobs without an environment see the repository's only; each deploy its own token
      for (const leg of result.legs.filter((l) => l.environment === undefined)) expect(leg.secrets, leg.job).not.toContain('TF_API_TOKEN');
      expect(result.legs.filter((l) => l.secrets.includes('TF_API_TOKEN')).map((l) => `${l.job} ${l.environment}`)).toEqual(
        expect.arrayContaining(['deploy-staging staging', 'deploy-production production', 'deploy-production production-stockholm']),
      );
      // each production leg waited for its own reviewers; staging for none
      expect(result.approvals.map((a) => [a.environment, a.reviewers, a.decision])).toEqual(
        expect.arrayContaining([
          ['production', ['@getdrop/platform-leads'], 'approved'],
          ['production-stockholm', ['@getdrop/platform-leads'], 'approved'],
        ]),
      );
      expect(result.approvals).toHaveLength(2);
      // each environment deploys in its own concurrency group; build and push in none
      expect(
        Object.fromEntries(result.legs.filter((l) => l.concurrency).map((l) => [`${l.job} ${l.environment}`, l.concurrency!.group])),
      ).toEqual({
        'deploy-staging staging': 'deploy-staging',
        'deploy-production production': 'deploy-production',
        'deploy-production production-stockholm': 'deploy-production-stockholm',
      });

      // staging: the smoke test reached the released version, which is then marked verified
      expect(step(result, 'deploy-staging', 'staging', 'Smoke test').output).toContain(`check 1/1: HTTP 200, status ok, version ${SHA}`);
      expect(result.pointers['/drop/staging/release/api']).toBe(`${SHA}@${staging.digest}`);
      expect(history(result, '/drop/staging/release/api').slice(1)).toEqual([
        expect.stringMatching(new RegExp(`^${SHA}: pipeline release of ${SHA}@sha256:\\w+, unverified`)),
        expect.stringMatching(new RegExp(`^${SHA}: verified ${SHA}@sha256:\\w+: its health checks passed`)),
      ]);

      // production (App Runner): healthy, then an alarm during the watch: rolled back to the recorded previous release
      expect(step(result, 'deploy-production', 'production/', 'Health verification').output).toMatch(
        /check 3\/3: HTTP 200, status ok, version c0ffee/,
      );
      const watch = step(result, 'deploy-production', 'production/', 'Post-deployment monitoring');
      expect(watch.result).toBe('failure');
      expect(watch.output).toContain('ALARM: drop-production-api-cpu (Threshold Crossed: CPU above 80 % for 3 minutes (dry run))');
      expect(result.summaries.join('\n')).toContain('## Post-deployment monitoring: production FAILED, rolling back');
      expect(step(result, 'deploy-production', 'production/', 'Roll back production').output).toContain(`api: v2 ${SHA} -> v1 previous`);
      expect(step(result, 'deploy-production', 'production/', 'Health verification after rollback').output).toMatch(
        /check 3\/3: HTTP 200, status ok/,
      );
      expect(step(result, 'deploy-production', 'production/', 'Mark the release verified').result).toBe('skipped');
      expect(result.deployments.production).toEqual([SHA, 'previous']);
      expect(result.pointers['/drop/production/release/api']).toMatch(/^previous@/);

      // production-stockholm (ECS Express): the deploy left the old release running; the health
      // verification names both versions, and the rollback restores the pointer
      const verification = step(result, 'deploy-production', 'production-stockholm/', 'Health verification');
      expect(verification.result).toBe('failure');
      expect(verification.output).toContain(`HTTP 200, status ok, but it runs version "previous", not the released "${SHA}"`);
      expect(step(result, 'deploy-production', 'production-stockholm/', 'Post-deployment monitoring').result).toBe('skipped');
      expect(step(result, 'deploy-production', 'production-stockholm/', 'Roll back production').output).toContain(
        `web: v2 ${SHA} -> v1 previous`,
      );
      expect(result.pointers['/drop/production-stockholm/release/web']).toMatch(/^previous@/);
      expect(history(result, '/drop/production-stockholm/release/web').at(-1)).toMatch(new RegExp(`^previous: rolled back from ${SHA}@`));
    },
    12 * MINUTES,
  );

  it(
    'runs a second time for the same commit without pushing, with the same result, and refuses a re-run whose registries disagree',
    async () => {
      // GIVEN the cloud the first run left; WHEN the same commit's pipeline runs again, up to staging
      const upToStaging = { sha: SHA, world, jobs: ['environments', 'images', 'push', 'deploy-staging'] };
      const versions = () => world.aws.state.parameters.get('/drop/staging/release/api')!.length;
      const before = versions();
      const again = await dryRun({ ...upToStaging, legs: (job, leg) => job !== 'push' || leg.environment === 'staging' });

      // THEN the images were rebuilt but not pushed: the registry's copy is reused, its scan checked
      expect(again.problems).toEqual([]);
      expect(again.jobs).toMatchObject({ push: 'success', 'deploy-staging': 'success' });
      expect(again.docker.filter((c) => c.args[0] === 'push')).toEqual([]);
      expect(step(again, 'push', 'staging/api', 'Push to ECR')).toMatchObject({ result: 'skipped' });
      expect(step(again, 'push', 'staging/api', 'Image in the registry').output).toContain(
        'an earlier run pushed it; it is reused, not pushed again',
      );
      expect(step(again, 'push', 'staging/api', 'Image scan').output).toContain(`drop-staging/api:${SHA} passed the scan`);
      // and the same result: the same release, nothing written twice, staging healthy on it
      expect(step(again, 'deploy-staging', 'staging', 'Record the release').output).toContain(
        `api in staging already runs release ${SHA}@`,
      );
      expect(versions()).toBe(before);
      expect(applies(again.terraform, 'staging')).toEqual(['registry', 'data', 'compute', 'edge']);
      expect(step(again, 'deploy-staging', 'staging', 'Smoke test').output).toContain(`version ${SHA}`);

      // GIVEN a registry that lost the image (an earlier run failed before pushing there)
      const stockholm = world.aws.state.images.get('drop-production-stockholm/web')!;
      stockholm.splice(
        stockholm.findIndex((i) => i.tag === SHA),
        1,
      );
      // WHEN the run is repeated: the rebuild goes to that registry, the others reuse the first build
      const mixed = await dryRun({
        ...upToStaging,
        legs: (job, leg) => job !== 'push' || ['staging', 'production-stockholm'].includes(leg.environment),
      });
      // THEN the deploy refuses before anything is released, naming both images
      expect(mixed.jobs['deploy-staging']).toBe('failure');
      const agree = step(mixed, 'deploy-staging', 'staging', 'Same image in every registry');
      expect(agree.output).toMatch(
        /web: drop-staging\/web:c0ffee\w+ is an earlier run's image \(sha256:\w+…\), but drop-production-stockholm\/web:c0ffee\w+ got this run's rebuild/,
      );
      expect(agree.output).toContain('Push a new commit to release again');
      expect(step(mixed, 'deploy-staging', 'staging', 'Record the release').result).toBe('skipped');
      expect(versions()).toBe(before);
    },
    8 * MINUTES,
  );
});
