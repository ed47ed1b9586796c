import { defineConfig } from 'vitest/config';

// The consumer test packs, installs (npm), type-checks, bundles and drives Chromium: minutes, not
// seconds, on a 2-core machine.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    include: ['test/**/*.test.ts'],
  },
});
