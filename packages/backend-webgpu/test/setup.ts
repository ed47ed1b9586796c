/**
 * Shared test setup: a Dawn (node `webgpu` package) device on SwiftShader. The GPU object returned by
 * `create()` is kept in a module-level variable for the whole process (Dawn crashes if it is collected).
 */
import { initWebGPU } from '@kindling/backend-webgpu';
import { create } from 'webgpu';

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

let gpuObject: GPU | null = null;

export async function setupWebGPU(): Promise<void> {
  if (!gpuObject) gpuObject = create([]);
  (globalThis as { __kindlingGpuObject?: GPU }).__kindlingGpuObject = gpuObject;
  await initWebGPU({ gpu: gpuObject });
}
