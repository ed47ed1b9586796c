/**
 * The dashboard: a static page in web/ that reads result JSON files. The dev server (and
 * `vite preview`) send COOP/COEP so the page is cross-origin isolated (wasm threads).
 * Workspace packages are compiled from their TypeScript sources (the `source` export condition),
 * so the page needs no prior build of the packages.
 *
 * Result files: `results/*.json` (or the folder in BENCH_RESULTS_DIR) are served at
 * `results/<name>` with a `results/index.json` listing, in dev and in the static build.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = resolve(here, process.env.BENCH_RESULTS_DIR ?? 'results');

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

function resultFiles(): string[] {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/**
 * The wasm and webgpu backends are optional here: when a package has no entry yet, the page gets a
 * module that throws, and the dashboard lists that backend as unavailable instead of failing to build.
 */
function optionalBackends(): Plugin {
  const optional = new Set(['@kindling/backend-wasm', '@kindling/backend-webgpu']);
  const prefix = '\0kindling-missing:';
  return {
    name: 'kindling-optional-backends',
    async resolveId(id, importer, options) {
      if (!optional.has(id)) return null;
      const found = await this.resolve(id, importer, { ...options, skipSelf: true }).catch(() => null);
      return found ?? `${prefix}${id}`;
    },
    load(id) {
      if (!id.startsWith(prefix)) return null;
      const name = id.slice(prefix.length);
      return `throw new Error(${JSON.stringify(`${name} has no entry module yet (package not built or still being written)`)});`;
    },
  };
}

function resultsPlugin(): Plugin {
  return {
    name: 'kindling-bench-results',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/results\/([^/?]+\.json)(\?.*)?$/.exec(req.url ?? '');
        if (!m) return next();
        const name = basename(decodeURIComponent(m[1]));
        res.setHeader('Content-Type', 'application/json');
        if (name === 'index.json') return res.end(JSON.stringify(resultFiles()));
        const file = resolve(resultsDir, name);
        if (!existsSync(file)) {
          res.statusCode = 404;
          return res.end('{}');
        }
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      const files = resultFiles();
      for (const f of files)
        this.emitFile({
          type: 'asset',
          fileName: `results/${f}`,
          source: readFileSync(resolve(resultsDir, f), 'utf8'),
        });
      this.emitFile({ type: 'asset', fileName: 'results/index.json', source: JSON.stringify(files) });
    },
  };
}

export default defineConfig({
  root: resolve(here, 'web'),
  base: './',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  server: { host: '127.0.0.1', port: 5174, headers: isolation },
  preview: { host: '127.0.0.1', port: 5175, headers: isolation },
  build: {
    outDir: resolve(here, 'dist/site'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
  plugins: [optionalBackends(), resultsPlugin()],
});
