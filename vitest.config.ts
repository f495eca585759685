import { defineConfig } from 'vitest/config';

// Unit, property and simulation tests run against the TypeScript sources; end-to-end tests
// start real node processes from the compiled `dist/` (built before `npm test` runs them).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
