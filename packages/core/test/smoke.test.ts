import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

describe('smoke', () => {
  it('computes and differentiates', () => {
    const x = k.tensor(
      [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
      { requiresGrad: true },
    );
    const y = x.mul(x).add(1).exp().sum();
    y.backward();
    const expected = (x.tolist() as number[][]).flat().map((v) => 2 * v * Math.exp(v * v + 1));
    const got = Array.from(x.grad!.dataSync());
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 4));
    expect(String(k.tensor([[1, 2]]).mul(k.tensor([2], { requiresGrad: true })))).toBe(
      'tensor([[2., 4.]], grad_fn=<MulBackward>)',
    );
  });
  it('views share storage', () => {
    const x = k.arange(6).view(2, 3);
    const t = x.t();
    expect(t.isContiguous()).toBe(false);
    expect(t.tolist()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    t.select(0, 1).fill_(9);
    expect(x.tolist()).toEqual([
      [0, 9, 2],
      [3, 9, 5],
    ]);
  });
});
