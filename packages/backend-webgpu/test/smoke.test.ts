import '@kindling/backend-cpu';
import '@kindling/backend-webgpu';
import * as k from '@kindling/core';
import { beforeAll, expect, it } from 'vitest';
import { setupWebGPU } from './setup.js';

beforeAll(setupWebGPU);

it('adds and reads back', async () => {
  const a = k.tensor([1, 2, 3, 4], { device: 'webgpu' });
  const b = k.tensor([10, 20, 30, 40], { device: 'webgpu' });
  const c0 = a.add(b).mul(2);
  expect(Array.from(await c0.data())).toEqual([22, 44, 66, 88]);
  const c = c0.exp().log();
  expect(Array.from(await c.data())).toEqual(
    [22, 44, 66, 88].map((v) => Math.fround(v)).map((v) => expect.closeTo(v, 3)),
  );
  const t = k
    .tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { device: 'webgpu' },
    )
    .transpose(0, 1)
    .contiguous();
  expect(await t.tolistAsync()).toEqual([
    [1, 4],
    [2, 5],
    [3, 6],
  ]);
  const z = k.zeros([3], { device: 'webgpu' });
  expect(Array.from(await z.data())).toEqual([0, 0, 0]);
  expect(() => a.sum().item()).toThrow(/itemAsync/);
});
