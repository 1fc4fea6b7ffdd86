import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeAws, fakeDigest } from '../../scripts/dry-run/fake-aws';
import { pipelineReleaseDescription, verifiedDescription } from '../../scripts/lib/release-history';
import { DEPLOY_COMMAND, RollbackError, parseCommandLine, rollback } from '../../scripts/rollback';

// The real SSM client against the loopback fake: the history is read and written over the wire.
const aws = new FakeAws();
let ssm: SSMClient;

beforeAll(async () => {
  const endpoint = await aws.start();
  ssm = new SSMClient({ region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(() => aws.stop());
beforeEach(() => {
  aws.state.parameters.clear();
  aws.calls.length = 0;
});

const value = (env: string, service: string, tag: string) => `${tag}@${fakeDigest(`drop-${env}/${service}`, tag)}`;
function released(env: string, service: string, ...tags: string[]) {
  for (const tag of tags) aws.putParameter(`/drop/${env}/release/${service}`, value(env, service, tag));
}

function deps(status = 0) {
  const runs: { command: string; args: readonly string[]; env: Record<string, string> }[] = [];
  const lines: string[] = [];
  return {
    runs,
    lines,
    deps: {
      ssm,
      run: (command: string, args: readonly string[], env: Record<string, string>) => (runs.push({ command, args, env }), status),
      log: (line: string) => lines.push(line),
    },
  };
}

const options = (argv: string[], env = 'production') => parseCommandLine(argv, env);
const writes = () => aws.callsOf('AmazonSSM.PutParameter');

describe('rollback', () => {
  it('points each service at its previous release and deploys compute and edge', async () => {
    // GIVEN
    released('production', 'api', 'c1', 'c2', 'c3');
    released('production', 'web', 'c2', 'c3');
    const { deps: d, runs } = deps();
    // WHEN
    const changes = await rollback(d, options([]));
    // THEN
    expect(changes.map((c) => [c.service, c.from.tag, c.to.tag])).toEqual([
      ['web', 'c3', 'c2'],
      ['api', 'c3', 'c2'],
    ]);
    expect(aws.parameter('/drop/production/release/api')).toBe(value('production', 'api', 'c2'));
    expect(runs).toEqual([
      { command: 'npx', args: ['cdktf', 'deploy', 'compute', 'edge', '--auto-approve'], env: { DROP_ENV: 'production' } },
    ]);
    expect(DEPLOY_COMMAND.join(' ')).toBe('npx cdktf deploy compute edge --auto-approve');
  });

  it('never goes back to a release that a rollback undid', async () => {
    // GIVEN c2 failed and was rolled back to c1, then c3 was released
    released('production', 'api', 'c1', 'c2');
    const { deps: d } = deps();
    await rollback(d, options(['--service', 'api']));
    released('production', 'api', 'c3');
    // WHEN
    const [change] = await rollback(d, options(['--service', 'api']));
    // THEN
    expect(change.to.tag).toBe('c1');
  });

  it('does nothing, and says so, when no service runs the release to undo (the pipeline state check)', async () => {
    // GIVEN the pipeline's release step failed before it wrote c7, or a rollback undid it already
    released('production', 'api', 'c1', 'c2');
    released('production', 'web', 'c1', 'c2');
    const { deps: d, runs, lines } = deps();
    // WHEN the rollback step runs after the failure
    const changes = await rollback(d, options(['--undo', 'c7']));
    // THEN nothing is written or deployed, and it succeeds
    expect(changes).toEqual([]);
    expect(writes()).toEqual([]);
    expect(runs).toEqual([]);
    expect(lines.at(-1)).toBe(
      'No service in production runs release c7 (it was not recorded, or it was undone already): nothing to roll back, nothing deployed',
    );
  });

  it('never goes back to a pipeline release that was never verified (its job was killed before its checks)', async () => {
    // GIVEN c1 verified, c2 recorded by a run that was cancelled before its checks, c3 recorded now
    const api = (tag: string) => value('production', 'api', tag);
    for (const [tag, description] of [
      ['c1', pipelineReleaseDescription(api('c1'))],
      ['c1', verifiedDescription(api('c1'))],
      ['c2', pipelineReleaseDescription(api('c2'))],
      ['c3', pipelineReleaseDescription(api('c3'))],
    ]) {
      aws.putParameter('/drop/production/release/api', api(tag), description);
    }
    const { deps: d, lines } = deps();
    // WHEN c3 is undone
    const [change] = await rollback(d, options(['--service', 'api', '--undo', 'c3']));
    // THEN it goes back to c1, the last verified release
    expect(change.to.tag).toBe('c1');
    await rollback(d, { ...options(['--service', 'api']), mode: 'list' });
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^api v3 {2}c2 .*\(never verified\)$/)]));
  });

  it('undoes only the services the named release changed (--undo)', async () => {
    released('production', 'api', 'c1', 'c2');
    released('production', 'web', 'c1');
    const { deps: d, lines } = deps();
    const changes = await rollback(d, options(['--undo', 'c2']));
    expect(changes.map((c) => `${c.service}:${c.to.tag}`)).toEqual(['api:c1']);
    expect(lines).toContain('web: stays on v1 c1');
  });

  it('goes to a release named by tag or by history version', async () => {
    released('production', 'api', 'c1', 'c2', 'c3');
    const { deps: d } = deps();
    expect((await rollback(d, options(['--service', 'api', '--to', 'c1', '--dry-run'])))[0].to.version).toBe(1);
    expect((await rollback(d, options(['--service', 'api', '--to', 'v2', '--dry-run'])))[0].to.tag).toBe('c2');
    expect((await rollback(d, options(['--service', 'api', '--to', fakeDigest('drop-production/api', 'c1'), '--dry-run'])))[0].to.tag).toBe(
      'c1',
    );
  });

  it('lists the history newest first, marking the current release and the rollback target', async () => {
    released('staging', 'api', 'c1', 'c2');
    released('staging', 'web', 'c1');
    const { deps: d, lines, runs } = deps();
    await rollback(d, options(['--list'], 'staging'));
    expect(lines[0]).toMatch(/^web v1 +c1 .*\(current\)$/);
    expect(lines[1]).toMatch(/^api v2 +c2 .*\(current\)$/);
    expect(lines[2]).toMatch(/^api v1 +c1 .*\(rollback target\)$/);
    expect(runs).toEqual([]);
  });

  it('changes nothing on a dry run', async () => {
    released('production', 'api', 'c1', 'c2');
    const { deps: d, runs } = deps();
    await rollback(d, options(['--service', 'api', '--dry-run']));
    expect(writes()).toEqual([]);
    expect(runs).toEqual([]);
  });

  it('works the same for an ECS Express environment (the pointer is engine-neutral)', async () => {
    released('production-stockholm', 'api', 'c1', 'c2');
    const { deps: d, runs } = deps();
    await rollback(d, options(['--service', 'api'], 'production-stockholm'));
    expect(aws.parameter('/drop/production-stockholm/release/api')).toBe(value('production-stockholm', 'api', 'c1'));
    expect(runs[0].env).toEqual({ DROP_ENV: 'production-stockholm' });
  });

  it('fails when the deploy fails, saying the pointers already name the target', async () => {
    released('production', 'api', 'c1', 'c2');
    const { deps: d } = deps(1);
    await expect(rollback(d, options(['--service', 'api']))).rejects.toThrow(
      'npx cdktf deploy compute edge --auto-approve exited 1; the pointers already name the rollback target, so rerun it',
    );
  });
});

describe('rollback refuses bad input, and deploys nothing', () => {
  async function refused(argv: string[], message: string, env = 'production') {
    const { deps: d, runs } = deps();
    await expect(rollback(d, options(argv, env))).rejects.toThrow(message);
    expect(writes()).toEqual([]);
    expect(runs).toEqual([]);
  }

  it('when no previous release is recorded', async () => {
    released('production', 'api', 'c1');
    released('production', 'web', 'c1', 'c2');
    await refused(
      [],
      'No previous release of api in production to roll back to: its history holds only v1 c1 (current v1 c1). Nothing was deployed.',
    );
  });

  it('when no release is recorded at all', async () => {
    await refused(
      ['--service', 'web'],
      'No release of web in production is recorded (/drop/production/release/web): there is nothing to roll back to. Nothing was deployed.',
    );
  });

  it('when the image is outside the history', async () => {
    released('production', 'api', 'c1', 'c2');
    await refused(
      ['--service', 'api', '--to', 'c9'],
      '--to c9 is not in the release history of api in production (v1 c1, v2 c2): only an image that passed the scan gate and ran there can be a rollback target. List them with: DROP_ENV=production npm run rollback -- --list. Nothing was deployed.',
    );
  });

  it('when the image is a release a rollback undid', async () => {
    released('production', 'api', 'c1', 'c2');
    aws.putParameter(
      '/drop/production/release/api',
      value('production', 'api', 'c1'),
      `rolled back from ${value('production', 'api', 'c2')}`,
    );
    await refused(['--service', 'api', '--to', 'c2'], '--to c2: api c2@sha256:');
  });

  it('when the environment is unknown', async () => {
    await refused([], 'Unknown environment "prod" (DROP_ENV). Known environments: production, production-stockholm, staging.', 'prod');
  });

  it.each([
    [[], undefined, 'No environment: set DROP_ENV or pass --env (e.g. --env production)'],
    [['--service', 'db'], 'production', '--service db is not a service; expected web, api'],
    [['--to', 'c1', '--undo', 'c2'], 'production', '--to and --undo exclude each other'],
    [['--undo', ''], 'production', '--undo "" is not an image tag; expected the tag the pipeline released, e.g. --undo "$IMAGE_TAG"'],
  ])('on the command line %j', (argv, env, message) => {
    expect(() => parseCommandLine(argv as string[], env)).toThrow(RollbackError);
    expect(() => parseCommandLine(argv as string[], env)).toThrow(message);
  });
});
