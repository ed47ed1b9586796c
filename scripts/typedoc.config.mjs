// TypeDoc configuration for `pnpm run docs` (API reference in docs/api, gitignored).
// To document another package, add its directory name to PACKAGES: its entry points are read from
// the `source` condition of its package.json `exports`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES = ['core', 'backend-cpu', 'nn'];

const root = fileURLToPath(new URL('..', import.meta.url));
const entryPoints = [];
for (const dir of PACKAGES) {
  const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  for (const target of Object.values(pkg.exports ?? {}))
    if (typeof target === 'object' && target.source)
      entryPoints.push(join(root, 'packages', dir, target.source));
}
// A tsconfig over exactly these packages' sources, resolving @kindling/* to source like the tests do.
const cacheDir = join(root, 'node_modules/.cache/kindling-docs');
mkdirSync(cacheDir, { recursive: true });
const tsconfig = join(cacheDir, 'tsconfig.json');
writeFileSync(
  tsconfig,
  JSON.stringify({
    extends: join(root, 'tsconfig.base.json'),
    compilerOptions: { noEmit: true, customConditions: ['source'] },
    include: PACKAGES.map((dir) => join(root, 'packages', dir, 'src')),
  }),
);

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'Kindling',
  entryPoints,
  tsconfig,
  out: join(root, 'docs/api'),
  readme: join(root, 'docs/api-intro.md'),
  plugin: [join(root, 'scripts/typedoc-plugin-package-names.mjs')],
  excludeInternal: true,
  excludePrivate: true,
  sort: ['kind', 'alphabetical'],
  disableGit: true,
  sourceLinkTemplate: 'https://github.com/kindling-ml/kindling/blob/{gitRevision}/{path}#L{line}',
  gitRevision: 'main',
  hideGenerator: true,
  // Every warning fails the build. Undocumented exports: TypeDoc checks classes, interfaces, types
  // and variables of the packages below; scripts/check-docs.mjs (run first) checks every export,
  // functions included. Methods and properties are not required yet (see check-docs --members).
  treatWarningsAsErrors: true,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  requiredToBeDocumented: ['Class', 'Interface', 'TypeAlias', 'Enum', 'Namespace', 'Variable'],
  packagesRequiringDocumentation: [
    '@kindling/core',
    '@kindling/backend-cpu',
    '@kindling/backend-wasm',
    '@kindling/backend-webgpu',
    '@kindling/nn',
  ],
};
