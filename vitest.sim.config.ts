import { defineConfig } from 'vitest/config';

// The long consensus simulation (`npm run sim`): the same test files as `npm test` runs under
// test/sim, with seed counts from the environment (see test/sim/harness.ts and run.mjs) and no
// per-test timeout. Two workers at most (one per process when run.mjs runs several jobs): the
// machine is shared.
export default defineConfig({
  test: {
    include: ['test/sim/**/*.test.ts'],
    testTimeout: 0,
    hookTimeout: 0,
    pool: 'forks',
    maxWorkers: Number(process.env['ZW_SIM_WORKERS'] || 2),
    reporters: ['default'],
  },
});
