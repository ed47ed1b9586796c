import { allocArray, type Backend, bytesPerElement, type DType, type TypedArray } from '@kindling/core';

/** Storage on the cpu backend is a plain TypedArray of the tensor's dtype. */
export type CpuHandle = TypedArray;

/**
 * Freed large arrays kept for reuse, by dtype and length. An array of 128 KiB or more (glibc's
 * default mmap threshold) often comes fresh from the OS and page-faults on first touch (about 10 µs
 * per 4 KiB page on a busy virtual machine: more than the kernel itself for an elementwise op), and
 * its memory returns only after the garbage collector finds it dead. Measured on the MLP training
 * step, pooling made the first steps faster and steadier (16 ms vs 18-30 ms) at some cost once warm
 * (13.8 vs 11.5 ms); smaller arrays stay with the allocator. Arrays reach the pool only through
 * `free` (a storage disposed or collected), so none is still referenced; they are zero-filled again.
 */
const POOL_MIN_BYTES = 128 * 1024;
const POOL_MAX_BYTES = 64 * 1024 * 1024;
/** Most arrays of one dtype and length kept. */
const POOL_PER_SIZE = 4;

const pools: Record<DType, Map<number, TypedArray[]>> = {
  float32: new Map(),
  float64: new Map(),
  int32: new Map(),
  bool: new Map(),
};
let pooledBytes = 0;

function clearPool(): void {
  for (const m of Object.values(pools)) m.clear();
  pooledBytes = 0;
}

/**
 * The 'cpu' device's storage backend: storages are TypedArrays (large freed ones are pooled for
 * reuse) and reads are synchronous. Importing `@kindling/backend-cpu` registers it, together with its
 * kernels.
 */
export const cpuBackend: Backend<CpuHandle> = {
  name: 'cpu',
  alloc(dtype: DType, numel: number, uninitialized = false): CpuHandle {
    if (numel * bytesPerElement(dtype) >= POOL_MIN_BYTES) {
      const list = pools[dtype].get(numel);
      if (list !== undefined && list.length > 0) {
        const a = list.pop() as CpuHandle;
        pooledBytes -= a.byteLength;
        // a reused array holds old values: clear it unless the caller overwrites it all
        if (!uninitialized) a.fill(0);
        return a;
      }
    }
    return allocArray(dtype, numel);
  },
  free(handle: CpuHandle, dtype: DType, numel: number): void {
    // Arrays not pooled are reclaimed by the garbage collector once unreferenced.
    const bytes = handle.byteLength;
    if (bytes < POOL_MIN_BYTES || bytes > POOL_MAX_BYTES / 4 || handle.length !== numel) return;
    // A full pool holds sizes from an earlier phase of the program: start over.
    if (pooledBytes + bytes > POOL_MAX_BYTES) clearPool();
    const pool = pools[dtype];
    let list = pool.get(numel);
    if (list === undefined) pool.set(numel, (list = []));
    if (list.length >= POOL_PER_SIZE) return;
    list.push(handle);
    pooledBytes += bytes;
  },
  write(handle: CpuHandle, _dtype: DType, data: TypedArray): void {
    handle.set(data);
  },
  async read(handle: CpuHandle, _dtype: DType, numel: number): Promise<TypedArray> {
    return handle.slice(0, numel);
  },
  readSync(handle: CpuHandle, _dtype: DType, numel: number): TypedArray {
    return handle.slice(0, numel);
  },
  features: { threads: 1 },
};
