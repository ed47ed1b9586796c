/**
 * @kindling/backend-webgpu: importing this module registers the 'webgpu' device and its kernels.
 * `await k.initBackend('webgpu')` acquires a device from `navigator.gpu`; `initWebGPU(opts)` takes
 * a GPUDevice or a navigator.gpu-like object instead (in Node: `create([])` from the `webgpu` package).
 */
import { type Backend, initBackend, registerBackend } from '@kindling/core';
import type { WebGPUInitOptions, WebGPUStats } from './backend.js';
import { webgpuBackend } from './device.js';
import './kernels/elementwise.js';
import './kernels/reduce.js';
import './kernels/matmul.js';
import './kernels/softmax.js';
import './kernels/scan.js';
import './kernels/sort.js';
import './kernels/indexing.js';
import './kernels/nn.js';

registerBackend(webgpuBackend);

/**
 * Initialises the 'webgpu' backend with a given device or GPU object (idempotent; a second call
 * with a different device throws). Returns the backend.
 */
export async function initWebGPU(opts: WebGPUInitOptions = {}): Promise<Backend> {
  if (webgpuBackend.ready) {
    if (opts.device && opts.device !== webgpuBackend.device)
      throw new Error('initWebGPU: the webgpu backend already runs on another GPUDevice');
    return initBackend('webgpu');
  }
  webgpuBackend.configure(opts);
  return initBackend('webgpu');
}

/** Counters (buffers created, reads, submits, dispatches, pipelines) for tests and benchmarks. */
export function webgpuStats(): Readonly<WebGPUStats> {
  return { ...webgpuBackend.stats };
}

/** Submits pending GPU work and waits for it to finish (benchmarks); ordinary code never needs it. */
export function webgpuSync(): Promise<void> {
  return webgpuBackend.sync();
}

export {
  type PooledBuffer,
  sizeClass,
  WebGPUBackend,
  WebGPUHandle,
  type WebGPUInitOptions,
  type WebGPUStats,
} from './backend.js';
export { webgpuBackend } from './device.js';
