import { defineConfig } from 'vitest/config';

// `npm run e2e`: the deployed environment at E2E_BASE_URL, through the edge. Not part of `npm test`.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
