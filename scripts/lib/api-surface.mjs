// Walks the public API of Kindling's packages with the TypeScript compiler API: every symbol an entry
// point (package.json `exports`) makes importable, following re-exports and `export * as ns`.
// Used by scripts/api-report.mjs (published .d.ts snapshot) and scripts/check-docs.mjs (TSDoc coverage).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(join(root, 'package.json'));
/** The workspace's TypeScript (the same compiler the packages build with). */
export const ts = require('typescript');

/**
 * Publishable packages whose build exists: `{ dir, name, entries: [{ subpath, source, types }] }`.
 * `only` limits the list to the given package directory names.
 */
export function publicPackages(only = null) {
  const out = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    if (only && !only.includes(dir)) continue;
    const pkgFile = join(root, 'packages', dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    if (pkg.private) continue;
    const entries = [];
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      if (typeof target !== 'object' || !target.types) continue;
      entries.push({
        subpath,
        source: target.source ? join(root, 'packages', dir, target.source) : null,
        types: join(root, 'packages', dir, target.types),
      });
    }
    out.push({ dir, name: pkg.name, entries });
  }
  return out;
}

/** A program over the given root files, resolved like the packages' own tsconfig (with `source` optionally). */
export function createProgram(files, { sourceCondition = false } = {}) {
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    allowJs: false,
    ...(sourceCondition ? { customConditions: ['source'] } : {}),
  };
  return ts.createProgram(files, options);
}

/**
 * Every export of `file`, depth first, sorted by name: `{ path, symbol, alias }` where `path` is the
 * dotted name a consumer writes (`nn.Linear`) and `symbol` the resolved declaration symbol.
 * Namespace re-exports yield an entry of their own (`isNamespace: true`) followed by their members.
 */
export function walkExports(program, file) {
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(file);
  if (!sf) throw new Error(`not in the program: ${file}`);
  const out = [];
  const visit = (moduleSymbol, prefix, seen) => {
    const exports = checker.getExportsOfModule(moduleSymbol).slice();
    exports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const exp of exports) {
      const symbol = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      const path = `${prefix}${exp.name}`;
      const isNamespace =
        (symbol.flags & ts.SymbolFlags.ValueModule) !== 0 &&
        (symbol.declarations ?? []).some((d) => ts.isSourceFile(d));
      out.push({ path, name: exp.name, symbol, alias: exp, isNamespace });
      if (isNamespace && !seen.has(symbol)) visit(symbol, `${path}.`, new Set([...seen, symbol]));
    }
  };
  visit(checker.getSymbolAtLocation(sf), '', new Set());
  return { checker, exports: out };
}

/** The file a declaration lives in, relative to its package's directory. */
export function declFile(decl) {
  const file = decl.getSourceFile().fileName;
  const m = /packages\/([^/]+)\/(.*)$/.exec(file);
  return m ? `${m[1]}/${m[2]}` : relative(root, file);
}
