// Kindling's WebAssembly kernels. Built twice by scripts/build-wasm.mjs: plain SIMD
// (kindling.wasm) and relaxed SIMD (kindling-relaxed.wasm), both importing one memory.
// Exports: the kernel entry points and the op-id constants (read by the JS side at load time).
export { conv2dF32 } from './conv';
export { copy, transpose32 } from './copy';
export * from './elementwise';
export {
  addBiasF32,
  CONV_NC,
  GEMM_KC,
  GEMM_MC,
  GEMM_MR,
  GEMM_NC,
  GEMM_NR,
  GEMM_WS_BYTES,
  gemmBatchF32,
  gemmF32,
  gemmF64,
  gemmI32,
  gemvF32,
} from './gemm';
export * from './reduce';
export { gather, scatter } from './indexing';

/** First byte after the module's static data; the JS allocator manages memory above it. */
export function heapBase(): usize {
  return __heap_base;
}
export { col2im, im2col, maxPool2d, maxPool2dBackward, softmax } from './nn';

/** memory.fill: zero-fills n bytes at p (much faster than a JS fill on a shared buffer). */
export function zero(p: usize, n: usize): void {
  memory.fill(p, 0, n);
}
