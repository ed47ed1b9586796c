#!/usr/bin/env node
// TSDoc coverage of the public API: every symbol a package's entry points export must carry a doc
// comment. Runs before TypeDoc in `pnpm run docs`.
//
//   node scripts/check-docs.mjs [--members] [--all]
//
// Packages in ENFORCED fail the check when an export is undocumented; the others are reported as
// warnings (add a package to ENFORCED once it is complete). `--members` also lists undocumented
// methods and properties of exported classes and interfaces (information only). `--all` enforces
// every package.
import { createProgram, declFile, publicPackages, root, ts, walkExports } from './lib/api-surface.mjs';

const ENFORCED = [
  '@kindling/core',
  '@kindling/backend-cpu',
  '@kindling/backend-wasm',
  '@kindling/backend-webgpu',
  '@kindling/nn',
];
const argv = process.argv.slice(2);
const showMembers = argv.includes('--members');
const enforceAll = argv.includes('--all');

const packages = publicPackages().filter((p) => p.entries.every((e) => e.source));
const program = createProgram(
  packages.flatMap((p) => p.entries.map((e) => e.source)),
  { sourceCondition: true },
);

function hasDoc(symbol, checker) {
  if (symbol.getDocumentationComment(checker).length) return true;
  return (symbol.declarations ?? []).some((d) => {
    const node = ts.isVariableDeclaration(d) ? d.parent.parent : d;
    return ts.getJSDocCommentsAndTags(node).length > 0;
  });
}

let failed = 0;
for (const pkg of packages) {
  const pkgDir = `${root}packages/${pkg.dir}/`;
  const missing = new Set();
  const members = new Set();
  for (const entry of pkg.entries) {
    const { checker, exports } = walkExports(program, entry.source);
    for (const e of exports) {
      const decls = e.symbol.declarations ?? [];
      // Symbols re-exported from another package are checked there.
      if (!decls.some((d) => d.getSourceFile().fileName.startsWith(pkgDir))) continue;
      if (e.isNamespace) continue;
      const where = decls.length
        ? `${declFile(decls[0])}:${decls[0].getSourceFile().getLineAndCharacterOfPosition(decls[0].getStart()).line + 1}`
        : '?';
      if (!hasDoc(e.symbol, checker))
        missing.add(`${pkg.name}${entry.subpath.slice(1)}: ${e.path} (${where})`);
      if (showMembers && e.symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
        const type = checker.getDeclaredTypeOfSymbol(e.symbol);
        for (const m of checker.getPropertiesOfType(type)) {
          const md = m.declarations ?? [];
          if (!md.some((d) => d.getSourceFile().fileName.startsWith(pkgDir))) continue;
          if (m.name.startsWith('_') || m.name.startsWith('__@')) continue;
          if (
            md.some(
              (d) => ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected),
            )
          )
            continue;
          if (!hasDoc(m, checker)) members.add(`${e.path}.${m.name} (${declFile(md[0])})`);
        }
      }
    }
  }
  const enforced = enforceAll || ENFORCED.includes(pkg.name);
  if (missing.size) {
    const label = enforced ? 'ERROR' : 'warning';
    console.log(`${label}: ${pkg.name}: ${missing.size} exported symbol(s) without a doc comment:`);
    for (const m of [...missing].sort()) console.log(`  ${m}`);
    if (enforced) failed += missing.size;
  } else console.log(`${pkg.name}: every export is documented`);
  if (showMembers && members.size) {
    console.log(`info: ${pkg.name}: ${members.size} public member(s) without a doc comment:`);
    for (const m of [...members].sort()) console.log(`  ${m}`);
  }
}
if (failed) {
  console.error(`check-docs: ${failed} undocumented export(s) in enforced packages (${ENFORCED.join(', ')})`);
  process.exit(1);
}
