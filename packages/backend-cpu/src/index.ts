/**
 * @kindling/backend-cpu: importing this module registers the 'cpu' device and its kernels.
 * Kernels live one family per file in ./kernels and register themselves by op name.
 *
 * @packageDocumentation
 */
import { registerBackend } from '@kindling/core';
import { cpuBackend } from './backend.js';
import './kernels/copy.js';
import './kernels/binary.js';
import './kernels/unary.js';
import './kernels/compare.js';
import './kernels/reduce.js';
import './kernels/matmul.js';
import './kernels/shape.js';
import './kernels/indexing.js';
import './kernels/softmax.js';
import './kernels/sort.js';
import './kernels/scan.js';
import './kernels/nn.js';

registerBackend(cpuBackend);

export { type CpuHandle, cpuBackend } from './backend.js';
export { forEachRow } from './strided.js';
