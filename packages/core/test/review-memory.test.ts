import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

const gc = (globalThis as { gc?: () => void }).gc;
async function collect(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 5));
  }
}
const vals = (t: k.Tensor | null | undefined) => Array.from(t!.dataSync());
const live = () => k.memory().numTensors;

describe('review: tidy', () => {
  it('returning a view of a scope-local tensor keeps its storage alive', () => {
    const before = k.memory();
    const v = k.tidy(() => {
      const x = k.arange(6, { dtype: 'float32' }).add(1); // arange is an intermediate
      return x.view(2, 3).t();
    });
    expect(v.isDisposed).toBe(false);
    expect(vals(v)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(live() - before.numTensors).toBe(1);
    expect(k.memory().numBytes - before.numBytes).toBe(24);
    v.dispose();
    expect(live()).toBe(before.numTensors);
    expect(k.memory().numBytes).toBe(before.numBytes);
  });
  it('nested tidy returning a view of an outer-scope tensor', () => {
    const before = live();
    const out = k.tidy(() => {
      const x = k.ones(4);
      const inner = k.tidy(() => x.narrow(0, 1, 2));
      expect(inner.isDisposed).toBe(false);
      return inner.mul(3);
    });
    expect(vals(out)).toEqual([3, 3]);
    expect(live() - before).toBe(1);
    out.dispose();
    expect(live()).toBe(before);
  });
  it('tensors inside Maps, nested objects and arrays survive; others are disposed', () => {
    const before = live();
    let scratch: k.Tensor | undefined;
    const res = k.tidy(() => {
      scratch = k.ones(2);
      const m = new Map<string, k.Tensor>([['a', k.ones(1)]]);
      return { m, nested: { list: [k.zeros(2), [k.zeros(3)]] }, n: 5 };
    });
    expect(scratch!.isDisposed).toBe(true);
    expect(res.m.get('a')!.isDisposed).toBe(false);
    expect((res.nested.list[1] as k.Tensor[])[0].isDisposed).toBe(false);
    expect(live() - before).toBe(3);
    k.dispose(res);
    expect(live()).toBe(before);
  });
  it('an exception inside tidy disposes everything created in it', () => {
    const before = k.memory();
    expect(() =>
      k.tidy(() => {
        const a = k.ones(10);
        k.tidy(() => a.mul(2));
        a.add(k.ones(3)); // broadcast error
      }),
    ).toThrow(/must match/);
    expect(k.memory().numTensors).toBe(before.numTensors);
    expect(k.memory().numBytes).toBe(before.numBytes);
    // the scope stack is clean: a later tensor is not owned by a dead scope
    const t = k.ones(1);
    k.tidy(() => k.ones(1));
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });
  it('async tidy, nested, with an exception', async () => {
    const before = live();
    await expect(
      k.tidy(async () => {
        k.ones(3);
        await new Promise((r) => setTimeout(r, 1));
        throw new Error('async boom');
      }),
    ).rejects.toThrow('async boom');
    expect(live()).toBe(before);
    const r = await k.tidy(async () => {
      const a = k.ones(2);
      const b = await k.tidy(async () => {
        await new Promise((res) => setTimeout(res, 1));
        return a.mul(2);
      });
      return b.add(1);
    });
    expect(vals(r)).toEqual([3, 3]);
    expect(live() - before).toBe(1);
    r.dispose();
  });
  it('keep() inside nested scopes survives all of them', () => {
    const before = live();
    let kept: k.Tensor | undefined;
    k.tidy(() => {
      k.tidy(() => {
        kept = k.keep(k.ones(2).mul(2));
      });
    });
    expect(kept!.isDisposed).toBe(false);
    expect(live() - before).toBe(1);
    kept!.dispose();
    expect(live()).toBe(before);
  });
  it('backward inside tidy: grads survive, saved tensors are freed', () => {
    const x = k.tensor([1, 2, 3], { requiresGrad: true });
    const before = k.memory();
    k.tidy(() => {
      const y = x.exp().mul(x).sin();
      y.sum().backward();
    });
    expect(x.grad!.isDisposed).toBe(false);
    expect(live() - before.numTensors).toBe(1); // x.grad
    expect(k.memory().numBytes - before.numBytes).toBe(12);
    k.tidy(() => x.exp().sum().backward());
    expect(live() - before.numTensors).toBe(1);
  });
  it('retained grads survive tidy, also when accumulated by a second backward', () => {
    const x = k.tensor([1, 2], { requiresGrad: true });
    const y = k.tidy(() => {
      const h = x.mul(2);
      h.retainGrad();
      h.sum().backward(null, { retainGraph: true });
      h.sum().backward();
      return h;
    });
    expect(y.grad!.isDisposed).toBe(false);
    expect(vals(y.grad)).toEqual([2, 2]);
  });
  it('a graph built inside tidy but never backwarded is freed by the GC', async () => {
    const x = k.tensor([1, 2, 3], { requiresGrad: true });
    await collect();
    const before = k.memory();
    (() => {
      k.tidy(() => {
        x.exp().mul(x).sin().sum();
      });
    })();
    await collect();
    expect(k.memory().numTensors).toBe(before.numTensors);
    expect(k.memory().numBytes).toBe(before.numBytes);
  });
});

describe('review: dispose and finalization', () => {
  it('disposing the base keeps the view usable; disposing the view frees', async () => {
    await collect();
    const before = k.memory();
    const x = k.arange(4, { dtype: 'float32' });
    const v = x.narrow(0, 2, 2);
    x.dispose();
    expect(x.isDisposed).toBe(true);
    expect(vals(v)).toEqual([2, 3]);
    v.add_(1);
    expect(vals(v)).toEqual([3, 4]);
    x.dispose(); // idempotent
    await collect(); // add_'s scalar operand is garbage
    expect(live() - before.numTensors).toBe(1);
    v.dispose();
    expect(k.memory().numTensors).toBe(before.numTensors);
    expect(k.memory().numBytes).toBe(before.numBytes);
    expect(() => vals(v)).toThrow(/disposed/);
    expect(String(v)).toMatch(/disposed/);
  });
  it('disposing a tensor saved for backward does not break backward', () => {
    const x = k.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const h = x.mul(3);
    const y = h.mul(h);
    h.dispose();
    y.sum().backward();
    expect(vals(x.grad)).toEqual([18, 36]);
  });
  it('GC frees a storage only when its last view is collected', async () => {
    await collect();
    const before = k.memory();
    let v: k.Tensor | null = (() => k.ones(1000).narrow(0, 0, 10))();
    await collect();
    expect(k.memory().numTensors - before.numTensors).toBe(1);
    expect(k.memory().numBytes - before.numBytes).toBe(4000);
    expect(vals(v)).toEqual(new Array(10).fill(1));
    v = null;
    await collect();
    expect(k.memory().numTensors).toBe(before.numTensors);
    expect(k.memory().numBytes).toBe(before.numBytes);
  });
  it('numTensors/numBytes consistent after backward without tidy (saved tensors released)', async () => {
    await collect();
    const before = k.memory();
    const x = k.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.exp();
    const z = y.mul(x).sum();
    z.backward();
    y.dispose();
    z.dispose();
    // x and x.grad remain; the exp output, the product and the implicit grad are freed or collectable
    await collect();
    expect(k.memory().numTensors - before.numTensors).toBe(2);
    x.grad!.dispose();
    x.dispose();
    expect(k.memory().numTensors).toBe(before.numTensors);
    expect(k.memory().numBytes).toBe(before.numBytes);
  });
  it('using declarations dispose', () => {
    const before = live();
    {
      using a = k.ones(3);
      using b = a.view(3, 1);
      expect(b.shape).toEqual([3, 1]);
    }
    expect(live()).toBe(before);
  });
});
