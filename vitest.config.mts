import { defineConfig } from 'vitest/config';

// One `vitest run` covers the infrastructure and the apps, as projects with their own settings.
export default defineConfig({
  test: {
    // Two cores: two workers. Each infra worker pays for its own imports of cdktf and the providers.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'infra',
          // cdktf's Testing.setupJest() registers its matchers on the global `expect`.
          globals: true,
          setupFiles: ['__tests__/setup.ts'],
          include: ['__tests__/**/*.test.ts'],
          exclude: ['__tests__/plan/**'],
        },
      },
      {
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
        test: {
          name: 'api',
          include: ['apps/api/test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
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
        test: {
          name: 'images',
          include: ['test/**/*.test.ts'],
        },
      },
    ],
  },
});
