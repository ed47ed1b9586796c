/**
 * Device loss surfaces as a clear Error (runs in its own process: it destroys the device).
 */
import '@kindling/backend-webgpu';
import { webgpuBackend } from '@kindling/backend-webgpu';
import * as k from '@kindling/core';
import { beforeAll, expect, it } from 'vitest';
import { setupWebGPU } from './setup.js';

beforeAll(setupWebGPU);

it('reports a lost device on the next operation and read', async () => {
  const t = k.tensor([1, 2, 3], { device: 'webgpu' }).mul(2);
  expect(Array.from(await t.data())).toEqual([2, 4, 6]);
  webgpuBackend.device.destroy();
  await new Promise((r) => setTimeout(r, 50));
  expect(() => t.add(1)).toThrow(/GPU device was lost/);
  await expect(t.data()).rejects.toThrow(/GPU device was lost/);
});
