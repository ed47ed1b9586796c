/** Loading without shared memory (browsers without cross-origin isolation): single-threaded. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WasmBackend } from '@kindling/backend-wasm';
import { describe, expect, it } from 'vitest';
import { unshareMemoryImport } from '../src/loader.js';

const plainPath = fileURLToPath(new URL('../build/kindling.wasm', import.meta.url));

describe('unshared memory', () => {
  it('patches the memory import so a plain memory instantiates', () => {
    const bytes = new Uint8Array(readFileSync(plainPath));
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 1024 });
    expect(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })).toThrow();
    const patched = unshareMemoryImport(bytes);
    expect(patched.length).toBe(bytes.length);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(patched as Uint8Array<ArrayBuffer>), {
      env: { memory },
    });
    expect(typeof inst.exports.gemmF32).toBe('function');
  });

  it('a backend configured without shared memory runs kernels on one thread', async () => {
    const b = new WasmBackend();
    b.configure({ sharedMemory: false, maxMemoryBytes: 64 << 20 });
    await b.init();
    expect(b.features.sharedMemory).toBe(false);
    await b.setNumThreads(4);
    expect(b.getNumThreads()).toBe(1);
    const x = b.alloc('float32', 5);
    const y = b.alloc('float32', 5);
    b.write(x, 'float32', new Float32Array([0, 1, -1, 2, 0.5]));
    const desc = b.writeDesc([1, 2, 5, y, 4, x, 4]);
    b.exports.unary(b.constant('U_EXP'), 0, 0, desc, b.tmp(0), 0, 5, 0, 0, 0);
    const out = b.readSync(y, 'float32', 5);
    [0, 1, -1, 2, 0.5].forEach((v, i) => expect(out[i]).toBeCloseTo(Math.exp(v), 6));
    expect(() => b.alloc('float32', 32 << 20)).toThrow(/out of memory allocating 134217728 bytes/);
  });
});
