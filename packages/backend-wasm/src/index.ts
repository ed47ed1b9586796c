/**
 * @kindling/backend-wasm: importing this module registers the 'wasm' device and its kernels.
 * The device needs asynchronous start-up (compiling the module, starting worker threads):
 * `await k.initBackend('wasm')` before use.
 *
 * Kernels are AssemblyScript compiled to 128-bit SIMD WebAssembly (relaxed SIMD where the engine
 * validates it); tensors live in one WebAssembly.Memory shared with a pool of worker threads.
 */
import { registerBackend } from '@kindling/core';
import { wasmBackend } from './backend.js';
import './kernels/copy.js';
import './kernels/elementwise.js';
import './kernels/reduce.js';
import './kernels/matmul.js';
import './kernels/indexing.js';
import './kernels/nn.js';
import './kernels/scan.js';
import './kernels/sort.js';

registerBackend(wasmBackend);

export { type AllocatorStats, OutOfMemoryError, WasmAllocator } from './allocator.js';
export {
  WasmBackend,
  type WasmBackendOptions,
  type WasmExports,
  type WasmHandle,
  wasmBackend,
} from './backend.js';
export { type Gemm2d, sgemm } from './kernels/matmul.js';
export { relaxedSimdSupported, sharedMemorySupported } from './loader.js';

/** Sets the number of threads (the calling thread included) wasm kernels may use. */
export function setNumThreads(n: number): Promise<void> {
  return wasmBackend.setNumThreads(n);
}

/** The number of threads (the calling thread included) wasm kernels may use. */
export function getNumThreads(): number {
  return wasmBackend.getNumThreads();
}
