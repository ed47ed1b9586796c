import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

const gc = (globalThis as { gc?: () => void }).gc;

/** Collects garbage and lets FinalizationRegistry callbacks run. */
async function collect(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('memory', () => {
  it('dispose() and `using` free storage deterministically', () => {
    const before = k.memory();
    const t = k.zeros([256]);
    expect(k.memory().numBytes - before.numBytes).toBe(1024);
    expect(k.memory().byDevice.cpu.numTensors - before.byDevice.cpu.numTensors).toBe(1);
    expect(k.memory().numTensors - before.numTensors).toBe(1);
    const v = t.view(16, 16);
    t.dispose();
    expect(k.memory().numBytes - before.numBytes).toBe(1024); // the view still holds the storage
    v.dispose();
    expect(k.memory().numBytes).toBe(before.numBytes);
    expect(k.memory().numTensors).toBe(before.numTensors);
    {
      using u = k.ones([8]);
      expect(u.sum().item()).toBe(8);
    }
    expect(() => t.add(1)).toThrow(/was disposed/);
  });

  it('tidy disposes intermediates and keeps returned and kept tensors', () => {
    const before = k.memory().numTensors;
    let kept: k.Tensor | undefined;
    const [a, rest] = k.tidy(() => {
      const x = k.ones([4]);
      const y = x.mul(2).add(1);
      kept = k.keep(x.mul(5));
      const inner = k.tidy(() => y.mul(3));
      return [inner, { z: y.sum() }] as const;
    });
    expect(Array.from(a.dataSync())).toEqual([9, 9, 9, 9]);
    expect(rest.z.item()).toBe(12);
    expect(kept!.isDisposed).toBe(false);
    expect(k.memory().numTensors - before).toBe(3);
    k.dispose([a, rest, kept]);
    expect(k.memory().numTensors).toBe(before);
  });

  it('conv2d without a recorded graph frees its column buffer and pre-bias result at once', () => {
    const x = k.randn([2, 3, 8, 8]);
    const w = k.randn([4, 3, 3, 3]);
    const b = k.randn([4]);
    const before = k.memory();
    const y = k.conv2d(x, w, b, { padding: 1 });
    // Only the output's storage stays alive; im2col's columns and the matmul result are released
    // without waiting for the garbage collector.
    expect(k.memory().numTensors - before.numTensors).toBe(1);
    expect(k.memory().numBytes - before.numBytes).toBe(2 * 4 * 8 * 8 * 4);
    y.dispose();
  });

  it('tidy accepts async functions', async () => {
    const before = k.memory().numTensors;
    const out = await k.tidy(async () => {
      const x = k.ones([3]).mul(2);
      await new Promise((r) => setTimeout(r, 1));
      return x.add(1);
    });
    expect(Array.from(out.dataSync())).toEqual([3, 3, 3]);
    expect(k.memory().numTensors - before).toBe(1);
    out.dispose();
  });

  it('frees storage of garbage-collected tensors (FinalizationRegistry)', async () => {
    expect(gc).toBeTypeOf('function');
    await collect();
    const before = k.memory();
    (() => {
      for (let i = 0; i < 200; i++) k.ones([64]).mul(i).add(1);
    })();
    expect(k.memory().numTensors).toBeGreaterThan(before.numTensors);
    await collect();
    expect(k.memory().numTensors).toBe(before.numTensors);
    expect(k.memory().numBytes).toBe(before.numBytes);
  });

  it('keeps memory flat over 1,000 training steps', async () => {
    k.manualSeed(0);
    const w = k.randn([8, 1], { requiresGrad: true });
    const b = k.zeros([1], { requiresGrad: true });
    const x = k.randn([32, 8]);
    const target = x.sum(1, true).mul(0.5);
    const step = () =>
      k.tidy(() => {
        const pred = x.mul(w.t()).sum(1, true).add(b);
        const diff = pred.sub(target);
        const loss = diff.mul(diff).sum().div(32);
        loss.backward();
        k.noGrad(() => {
          w.sub_(w.grad!.mul(0.05));
          b.sub_(b.grad!.mul(0.05));
          w.grad!.zero_();
          b.grad!.zero_();
        });
        return loss.item() as number;
      });
    const first = step();
    const baseline = k.memory();
    let last = first;
    for (let i = 0; i < 1000; i++) {
      last = step();
      if (i % 100 === 0) {
        const m = k.memory();
        expect(m.numTensors).toBe(baseline.numTensors);
        expect(m.numBytes).toBe(baseline.numBytes);
      }
    }
    expect(last).toBeLessThan(first * 0.01);
    const end = k.memory();
    expect(end.numTensors).toBe(baseline.numTensors);
    expect(end.numBytes).toBe(baseline.numBytes);
  });

  it('keeps memory flat without tidy once the garbage collector runs', async () => {
    const w = k.randn([8, 1], { requiresGrad: true });
    const x = k.randn([16, 8]);
    const step = () => {
      const loss = x.mul(w.t()).sum().mul(0.001);
      loss.backward();
      k.noGrad(() => {
        w.sub_(w.grad!);
        w.grad!.zero_();
      });
    };
    step();
    await collect();
    const baseline = k.memory();
    for (let i = 0; i < 300; i++) step();
    await collect();
    expect(k.memory().numTensors).toBe(baseline.numTensors);
    expect(k.memory().numBytes).toBe(baseline.numBytes);
  });
});
