/**
 * The relaxed-SIMD build: chosen exactly where the engine validates it, and (run in a child Node
 * with --experimental-wasm-relaxed-simd, since Node 20 lacks it by default) its relaxed_madd GEMM
 * microkernel matches a float64 reference.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relaxedSimdSupported, wasmBackend } from '@kindling/backend-wasm';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

const relaxedPath = fileURLToPath(new URL('../build/kindling-relaxed.wasm', import.meta.url));
const plainPath = fileURLToPath(new URL('../build/kindling.wasm', import.meta.url));

describe('build selection', () => {
  it('the probe agrees with validating the relaxed build; the plain build always validates', () => {
    expect(relaxedSimdSupported()).toBe(WebAssembly.validate(new Uint8Array(readFileSync(relaxedPath))));
    expect(WebAssembly.validate(new Uint8Array(readFileSync(plainPath)))).toBe(true);
  });

  it('features report the build in use', async () => {
    await k.initBackend('wasm');
    expect(wasmBackend.features.relaxedSimd).toBe(relaxedSimdSupported());
    expect(wasmBackend.features.simd).toBe(true);
  });
});

const CHILD = `
const fs = require('node:fs');
const bytes = fs.readFileSync(process.argv[1]);
const valid = WebAssembly.validate(bytes);
const memory = new WebAssembly.Memory({ initial: 128, maximum: 65536, shared: true });
const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, abort() {} } });
const ex = inst.exports;
const [M, K, N] = [37, 300, 45];
const A = 1 << 20, B = A + M * K * 4, C = B + K * N * 4, WS = 1 << 22;
const f = new Float32Array(memory.buffer);
let s = 1;
const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5);
for (let i = 0; i < M * K; i++) f[A / 4 + i] = r();
for (let i = 0; i < K * N; i++) f[B / 4 + i] = r();
// A transposed (column-major), B row-major
ex.gemmF32(K, A, 1, M, B, N, 1, C, N, 0, M, 0, N, 0, WS, 0, 0, 0); // no bias
let err = 0;
for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
  let want = 0;
  for (let p = 0; p < K; p++) want += f[A / 4 + p * M + i] * f[B / 4 + p * N + j];
  err = Math.max(err, Math.abs(want - f[C / 4 + i * N + j]));
}
console.log(JSON.stringify({ valid, err }));
`;

describe('relaxed SIMD build under --experimental-wasm-relaxed-simd', () => {
  it('validates and its relaxed_madd GEMM matches the reference', () => {
    let out: string;
    try {
      out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', CHILD, relaxedPath], {
        encoding: 'utf8',
      });
    } catch (e) {
      // Engines where the flag is gone enable relaxed SIMD by default.
      out = execFileSync(process.execPath, ['-e', CHILD, relaxedPath], { encoding: 'utf8' });
      void e;
    }
    const { valid, err } = JSON.parse(out.trim()) as { valid: boolean; err: number };
    expect(valid).toBe(true);
    expect(err).toBeLessThan(1e-4);
  });
});
