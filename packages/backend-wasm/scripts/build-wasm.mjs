#!/usr/bin/env node
/**
 * Compiles assembly/index.ts (AssemblyScript) into the two builds the backend loads:
 *   build/kindling.wasm          128-bit SIMD
 *   build/kindling-relaxed.wasm  SIMD + relaxed SIMD (f32x4.relaxed_madd in the GEMM microkernel)
 * Both use the stub runtime (no GC) and import one shared memory (env.memory) so worker threads
 * can run kernels on the same heap; the loader patches the import to unshared where shared memory
 * is unavailable. Usage: node scripts/build-wasm.mjs [--wat]
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = fileURLToPath(new URL('..', import.meta.url));
const wat = process.argv.includes('--wat');

const common = [
  'assembly/index.ts',
  '-O3',
  '--noAssert',
  '--runtime',
  'stub',
  '--importMemory',
  '--sharedMemory',
  '--noExportMemory',
  '--initialMemory',
  '1',
  '--maximumMemory',
  '65536',
  '--baseDir',
  root,
];

const builds = [
  { out: 'build/kindling.wasm', features: 'simd,threads' },
  { out: 'build/kindling-relaxed.wasm', features: 'simd,relaxed-simd,threads' },
];

await mkdir(new URL('../build/', import.meta.url), { recursive: true });
for (const b of builds) {
  const args = [...common, '--enable', b.features, '--outFile', b.out];
  if (wat) args.push('--textFile', b.out.replace(/\.wasm$/, '.wat'));
  const t0 = Date.now();
  const { error, stderr } = await asc.main(args);
  if (error) {
    console.error(stderr.toString());
    console.error(`build-wasm: ${b.out} failed: ${error.message}`);
    process.exit(1);
  }
  console.log(`build-wasm: ${b.out} (${b.features}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}
