/**
 * Schedules the conformance suite's small shapes do not reach: split (two-pass) and workgroup
 * reductions, tiled/vec4/transposed/int matmul, global bitonic sort, long scans and softmax rows,
 * 2-D dispatch past maxComputeWorkgroupsPerDimension, overlapping copies, and error messages.
 */
import '@kindling/backend-cpu';
import '@kindling/backend-webgpu';
import { webgpuBackend, webgpuStats } from '@kindling/backend-webgpu';
import * as k from '@kindling/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupWebGPU } from './setup.js';

beforeAll(setupWebGPU);

/** The same random tensor on cpu and on webgpu. */
function pair(shape: number[], opts: { dtype?: k.DType; seed?: number; int?: [number, number] } = {}) {
  const g = new k.Generator(opts.seed ?? 1);
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = Array.from({ length: n }, () => (opts.int ? g.int(opts.int[0], opts.int[1]) : g.normal()));
  const dtype = opts.dtype ?? 'float32';
  return [k.tensor(vals, { shape, dtype }), k.tensor(vals, { shape, dtype, device: 'webgpu' })] as const;
}

async function expectClose(got: k.Tensor, want: k.Tensor, tol = 1e-4): Promise<void> {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  const g = await got.data();
  const w = want.dataSync();
  let worst = 0;
  let at = -1;
  for (let i = 0; i < w.length; i++) {
    const a = g[i];
    const b = w[i];
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    const err = Math.abs(a - b) / (tol + tol * Math.abs(b));
    if (Number.isNaN(err)) expect.fail(`element ${i}: ${a} vs ${b}`);
    if (err > worst) {
      worst = err;
      at = i;
    }
  }
  if (worst > 1) expect.fail(`element ${at}: ${g[at]} vs ${w[at]} (of ${w.length})`);
}

describe('reductions', () => {
  it('split (two-pass) sums, means, var, logsumexp, argmax over 300k elements', async () => {
    const [c, g] = pair([300_000]);
    await expectClose(g.sum(), c.sum(), 1e-3);
    await expectClose(g.mean(), c.mean());
    await expectClose(g.var(), c.var(), 1e-3);
    await expectClose(g.logsumexp(0), c.logsumexp(0));
    await expectClose(g.argmax(), c.argmax());
    await expectClose(g.amax(), c.amax());
    await expectClose(g.norm(), c.norm(), 1e-3);
  });
  it('workgroup reductions over a middle dim and over non-adjacent dims', async () => {
    const [c, g] = pair([7, 900, 5]);
    await expectClose(g.sum(1), c.sum(1), 1e-3);
    await expectClose(g.sum([0, 2]), c.sum([0, 2]), 1e-3);
    await expectClose(g.std([0, 1]), c.std([0, 1]), 1e-3);
    const [mc, mg] = [c.max(1), g.max(1)];
    await expectClose(mg[0], mc[0]);
    await expectClose(mg[1], mc[1]);
  });
  it('int32 sums and ties in argmax', async () => {
    const [c, g] = pair([50, 3000], { dtype: 'int32', int: [-3, 4] });
    await expectClose(g.sum(1), c.sum(1));
    await expectClose(g.argmax(1), c.argmax(1));
    await expectClose(g.argmin(0), c.argmin(0));
  });
});

describe('matmul', () => {
  it('tiled and vec4, with edges', async () => {
    for (const [m, kk, n] of [
      [70, 130, 90],
      [65, 33, 128],
      [1, 300, 7],
      [128, 1, 64],
    ]) {
      const [a, ag] = pair([m, kk], { seed: m });
      const [b, bg] = pair([kk, n], { seed: n });
      await expectClose(ag.matmul(bg), a.matmul(b), 1e-3);
    }
  });
  it('transposed, batched, broadcast and int32 operands', async () => {
    const [a, ag] = pair([3, 40, 50]);
    const [b, bg] = pair([60, 50], { seed: 2 });
    await expectClose(ag.matmul(bg.transpose(0, 1)), a.matmul(b.transpose(0, 1)), 1e-3);
    await expectClose(ag.transpose(1, 2).matmul(ag), a.transpose(1, 2).matmul(a), 1e-3);
    const [x, xg] = pair([2, 1, 17, 23], { dtype: 'int32', int: [-9, 10] });
    const [y, yg] = pair([5, 23, 6], { dtype: 'int32', int: [-9, 10], seed: 4 });
    await expectClose(xg.matmul(yg), x.matmul(y));
  });
});

describe('sort, scans, softmax on long lines', () => {
  it('global bitonic sort (lines longer than workgroup memory), topk, kthvalue', async () => {
    const [c, g] = pair([3, 5000], { dtype: 'int32', int: [0, 50] });
    const [sv, si] = g.sort(1);
    const [cv, ci] = c.sort(1);
    await expectClose(sv, cv);
    await expectClose(si, ci);
    const [fc, fg] = pair([2, 4099]);
    const [tv, ti] = fg.topk(7, 1);
    const [tcv, tci] = fc.topk(7, 1);
    await expectClose(tv, tcv);
    await expectClose(ti, tci);
    const [kv, ki] = fg.kthvalue(2000, 1);
    const [kcv, kci] = fc.kthvalue(2000, 1);
    await expectClose(kv, kcv);
    await expectClose(ki, kci);
  });
  it('blocked scans and workgroup softmax', async () => {
    const [c, g] = pair([2, 20000]);
    await expectClose(g.cumsum(1), c.cumsum(1), 2e-3);
    const [cm, gm] = [c.cummax(1), g.cummax(1)];
    await expectClose(gm[0], cm[0]);
    await expectClose(gm[1], cm[1]);
    await expectClose(g.softmax(1), c.softmax(1));
    await expectClose(g.logSoftmax(0), c.logSoftmax(0));
  });
});

describe('elementwise and copies', () => {
  it('folds grids past maxComputeWorkgroupsPerDimension into 2-D', async () => {
    const n = webgpuBackend.limits.maxComputeWorkgroupsPerDimension * 64 + 1000;
    const g = k
      .ones([n], { device: 'webgpu' })
      .mul(3)
      .add(k.arange(n, { device: 'webgpu' }));
    const d = await g.data();
    expect(d[0]).toBe(3);
    expect(d[n - 1]).toBe(n + 2);
    expect(d[n >> 1]).toBe((n >> 1) + 3);
  });
  it('copies between overlapping views of one storage', async () => {
    const [c, g] = pair([4, 6]);
    c.narrow(1, 0, 5).copy_(c.narrow(1, 1, 5));
    g.narrow(1, 0, 5).copy_(g.narrow(1, 1, 5));
    await expectClose(g, c);
  });
  it('broadcast and strided binary ops, dtype conversion', async () => {
    const [a, ag] = pair([5, 1, 7]);
    const [b, bg] = pair([3, 1], { seed: 9 });
    await expectClose(ag.add(bg), a.add(b));
    await expectClose(ag.transpose(0, 2).mul(2.5).int(), a.transpose(0, 2).mul(2.5).int());
    await expectClose(ag.gt(0).logicalXor(bg.lt(0)), a.gt(0).logicalXor(b.lt(0)));
  });
});

describe('errors', () => {
  it('sync reads name the async method', () => {
    const t = k.tensor([1, 2], { device: 'webgpu' });
    expect(() => t.sum().item()).toThrow(/itemAsync/);
    expect(() => t.tolist()).toThrow(/tolistAsync/);
    expect(() => t.dataSync()).toThrow(/data\(\)/);
    expect(() => t.to('cpu')).toThrow(/toAsync/);
  });
  it('float64 is rejected with a clear message', () => {
    expect(() => k.zeros([2], { dtype: 'float64', device: 'webgpu' })).toThrow(
      /float64 is not supported on webgpu/,
    );
  });
  it('a tensor larger than the device allows fails at allocation', () => {
    const max = webgpuBackend.limits.maxStorageBufferBindingSize;
    const created = webgpuStats().buffersCreated;
    expect(() => k.empty([Math.floor(max / 4) + 16], { device: 'webgpu' })).toThrow(
      /exceeds this device's limits/,
    );
    expect(webgpuStats().buffersCreated).toBe(created);
  });
});
