/**
 * @kindling/core: tensors, views, define-by-run autograd, memory management and dispatch to
 * pluggable backends. Use as `import * as k from '@kindling/core'` and import a backend package
 * (e.g. '@kindling/backend-cpu') to register a device.
 *
 * @packageDocumentation
 */
export type { DType, TypedArray } from './dtype.js';
export { allocArray, arrayCtor, bytesPerElement, DTYPES, isFloatingPoint, promoteTypes } from './dtype.js';
export type { Shape } from './shape.js';
export { broadcastShapes } from './shape.js';

import './tensor.js';

export { type BackwardOptions, backward, type GradOptions, grad } from './autograd/engine.js';
export {
  detectAnomaly,
  enableGrad,
  isAnomalyEnabled,
  isGradEnabled,
  noGrad,
  setGradEnabled,
} from './autograd/mode.js';
export { GradNode, type TensorHook } from './autograd/node.js';
export {
  type Backend,
  getBackend,
  getDefaultDevice,
  getKernel,
  hasBackend,
  hasKernel,
  initBackend,
  type Kernel,
  type KernelArgs,
  type KernelAttrs,
  type KernelOptions,
  type KernelTensor,
  listBackends,
  listKernels,
  registerBackend,
  registerKernel,
  setDefaultDevice,
} from './backend.js';
export { LineSorter } from './kernel-utils/line-sorter.js';
export { dispose, keep, type MemoryInfo, memory, tidy } from './memory.js';
export {
  add,
  atan2,
  type DivOptions,
  div,
  floorDivide,
  fmod,
  maximum,
  minimum,
  mul,
  pow,
  type RoundingMode,
  remainder,
  sub,
} from './ops/binary.js';
export * from './ops/compare.js';
export { clone, contiguous, copy_, fill_, zero_ } from './ops/copy.js';
export * from './ops/creation.js';
export { resultType, type TensorLike } from './ops/dispatch.js';
export * from './ops/indexing.js';
export * from './ops/matmul.js';
export * from './ops/nn.js';
export {
  all,
  amax,
  amin,
  any,
  argmax,
  argmin,
  countNonzero,
  type DimArg,
  logsumexp,
  max,
  mean,
  min,
  type NormOrd,
  norm,
  prod,
  type SumOptions,
  std,
  stdMean,
  sum,
  type ValuesIndices,
  type VarOptions,
  var,
  varMean,
} from './ops/reduce.js';
export * from './ops/scan.js';
export * from './ops/shape.js';
export * from './ops/softmax.js';
export * from './ops/sort.js';
export * from './ops/unary.js';
export {
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  select,
  squeeze,
  sumToSize,
  transpose,
  unflatten,
  unsqueeze,
  view,
} from './ops/view.js';
export { defaultGenerator, Generator, manualSeed } from './random.js';
export { isTensor, type NestedArray, type Scalar, Tensor, type TensorOptions } from './tensor.js';
export {
  getTraceHook,
  isInsideTracedOp,
  setTraceHook,
  type TraceCallKind,
  type TraceHook,
  traceMethodKind,
  untraced,
} from './trace.js';
