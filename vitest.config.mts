import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // cdktf's Testing.setupJest() registers its matchers on the global `expect`.
    globals: true,
    setupFiles: ['__tests__/setup.ts'],
    include: ['__tests__/**/*.test.ts'],
    // Each worker pays for its own imports of cdktf and the providers; two cores, two workers.
    maxWorkers: 2,
  },
});
