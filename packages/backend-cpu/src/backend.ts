import { allocArray, type Backend, type DType, type TypedArray } from '@kindling/core';

/** Storage on the cpu backend is a plain TypedArray of the tensor's dtype. */
export type CpuHandle = TypedArray;

export const cpuBackend: Backend<CpuHandle> = {
  name: 'cpu',
  alloc(dtype: DType, numel: number): CpuHandle {
    return allocArray(dtype, numel);
  },
  free(): void {
    // The TypedArray is reclaimed by the garbage collector once no tensor references it.
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
