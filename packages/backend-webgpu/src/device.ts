import { WebGPUBackend } from './backend.js';

/** The process-wide webgpu backend (one device per process, like PyTorch's current device). */
export const webgpuBackend = new WebGPUBackend();

/** The backend for kernels (which only run after `initBackend('webgpu')` succeeded). */
export function gpu(): WebGPUBackend {
  return webgpuBackend;
}
