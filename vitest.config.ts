import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['generator/**/*.test.ts', 'services/**/*.test.ts', 'tests/**/*.test.ts'],
    // The entry scripts bundled once, so the end-to-end tests' script runs start fast (tests/helpers/scriptBundles.ts).
    globalSetup: ['tests/helpers/bundleScripts.globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests spawn the real scripts; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
