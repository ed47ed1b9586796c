import '@kindling/backend-wasm';
import { OutOfMemoryError, WasmAllocator, wasmBackend } from '@kindling/backend-wasm';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
import { lcg } from './random.js';

const PAGE = 65536;

function fresh(pages = 1, maxPages = 64): WasmAllocator {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: maxPages });
  return new WasmAllocator(memory, 1024, { maxBytes: maxPages * PAGE });
}

describe('WasmAllocator', () => {
  it('reuses a freed block of the same size', () => {
    const a = fresh();
    const p = a.alloc(1000);
    a.alloc(64);
    a.free(p);
    expect(a.alloc(1000)).toBe(p);
  });

  it('aligns to 64 bytes and never hands out address 0', () => {
    const a = fresh();
    for (const n of [0, 1, 63, 64, 65, 4097]) {
      const p = a.alloc(n);
      expect(p % 64).toBe(0);
      expect(p).toBeGreaterThan(0);
    }
  });

  it('zero-fills reused memory', () => {
    const a = fresh();
    const p = a.alloc(256);
    new Uint8Array(a.memory.buffer, p, 256).fill(7);
    a.alloc(64); // keep p off the top so it is reused from the free lists
    a.free(p);
    const q = a.alloc(256);
    expect(q).toBe(p);
    expect(new Uint8Array(a.memory.buffer, q, 256).every((v) => v === 0)).toBe(true);
  });

  it('splits large free blocks and coalesces neighbours', () => {
    const a = fresh();
    const x = a.alloc(4096);
    const y = a.alloc(4096);
    const z = a.alloc(4096);
    a.alloc(64); // guard so the blocks are not at the top
    a.free(x);
    a.free(z);
    a.free(y); // x, y, z merge into one 12 KiB block
    expect(a.stats().freeBlocks).toBe(1);
    expect(a.stats().freeBytes).toBe(3 * 4096);
    const big = a.alloc(3 * 4096);
    expect(big).toBe(x);
    a.free(big);
    const small = a.alloc(1024); // split: the remainder stays free
    expect(small).toBe(x);
    expect(a.stats().freeBytes).toBe(3 * 4096 - 1024);
  });

  it('returns blocks at the top of the heap to the untouched region', () => {
    const a = fresh();
    const before = a.stats().heapBytes;
    const p = a.alloc(10000);
    a.free(p);
    expect(a.stats().heapBytes).toBe(before);
    expect(a.stats().freeBlocks).toBe(0);
  });

  it('grows the memory when no free block fits', () => {
    const a = fresh(1, 64);
    expect(a.memory.buffer.byteLength).toBe(PAGE);
    const p = a.alloc(1 << 20);
    expect(a.memory.buffer.byteLength).toBeGreaterThanOrEqual(p + (1 << 20));
    new Float32Array(a.memory.buffer, p, 1 << 18).fill(1);
  });

  it('throws a clear out-of-memory error naming the requested size', () => {
    const a = fresh(1, 4);
    a.alloc(100000);
    expect(() => a.alloc(1 << 20)).toThrow(OutOfMemoryError);
    expect(() => a.alloc(1 << 20)).toThrow(/out of memory allocating 1048576 bytes/);
    // the allocator still works after a failed request
    expect(a.alloc(1000)).toBeGreaterThan(0);
  });

  it('rejects double frees', () => {
    const a = fresh();
    const p = a.alloc(10);
    a.free(p);
    expect(() => a.free(p)).toThrow(/unknown or already freed/);
  });

  it('keeps live blocks disjoint under random alloc/free', () => {
    const a = fresh(1, 1024);
    const uniform = lcg(12345);
    const rnd = () => uniform() + 0.5;
    const live = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      if (live.size > 0 && rnd() < 0.45) {
        const keys = [...live.keys()];
        const p = keys[Math.floor(rnd() * keys.length)];
        a.free(p);
        live.delete(p);
      } else {
        const n = Math.floor(rnd() ** 3 * 200000);
        const p = a.alloc(n);
        live.set(p, n);
      }
    }
    const blocks = [...live.entries()].sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < blocks.length; i++)
      expect(blocks[i][0]).toBeGreaterThanOrEqual(blocks[i - 1][0] + blocks[i - 1][1]);
    const st = a.stats();
    expect(st.liveBlocks).toBe(live.size);
    expect(st.liveBytes + st.freeBytes).toBe(st.heapBytes - (Math.ceil(1024 / 64) * 64 - 1024));
  });
});

describe('wasm device memory', () => {
  it('counts wasm bytes in k.memory() and frees them on dispose', async () => {
    await k.initBackend('wasm');
    const before = k.memory().byDevice.wasm?.numBytes ?? 0;
    const t = k.zeros([1000], { device: 'wasm' });
    expect(k.memory().byDevice.wasm.numBytes).toBe(before + 4000);
    const live = wasmBackend.allocatorStats().liveBytes;
    t.dispose();
    expect(k.memory().byDevice.wasm.numBytes).toBe(before);
    expect(wasmBackend.allocatorStats().liveBytes).toBe(live - 4032);
  });

  it('zero-fills new tensors and round-trips values', async () => {
    await k.initBackend('wasm');
    const a = k.tensor([1, 2, 3], { device: 'wasm' });
    a.dispose();
    const z = k.zeros([3], { device: 'wasm' });
    expect(z.tolist()).toEqual([0, 0, 0]);
    const i = k.tensor([1, -2, 3], { device: 'wasm', dtype: 'int32' });
    expect(i.tolist()).toEqual([1, -2, 3]);
    const b = k.tensor([true, false], { device: 'wasm', dtype: 'bool' });
    expect(b.tolist()).toEqual([true, false]);
    expect(await k.tensor([1.5], { device: 'wasm', dtype: 'float64' }).data()).toEqual(
      new Float64Array([1.5]),
    );
  });
});
