import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Tests run against each workspace package's TypeScript sources (no build needed), so every
 * `@kindling/<name>` import resolves to `packages/<name>/src`. This also lets core's tests use the
 * cpu backend without a (cyclic) package dependency.
 */
const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));
const alias: Record<string, string> = {};
for (const name of readdirSync(packagesDir)) {
  const src = `${packagesDir}${name}/src/index.ts`;
  if (!existsSync(src)) continue;
  const testing = `${packagesDir}${name}/src/testing/index.ts`;
  if (existsSync(testing)) alias[`@kindling/${name}/testing`] = testing;
  alias[`@kindling/${name}`] = src;
}
const find = Object.keys(alias)
  .sort((a, b) => b.length - a.length)
  .map((key) => ({ find: new RegExp(`^${key}$`), replacement: alias[key] }));

export default defineConfig({
  resolve: { alias: find },
  test: {
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
    include: ['test/**/*.test.ts'],
  },
});
