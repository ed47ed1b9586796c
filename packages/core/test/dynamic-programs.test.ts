/**
 * The acceptance programs, translated from PyTorch: forward passes whose structure depends
 * on the data, differentiated and checked against finite differences in float64.
 */
import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { gradcheck } from '@kindling/core/testing';
import { describe, expect, it } from 'vitest';

const opts = { dtype: 'float64' as const, requiresGrad: true };

describe('define-by-run programs', () => {
  it('(a) a classifier that picks a weight matrix from x.shape[1]', () => {
    // PyTorch:
    //   def forward(self, x):
    //       h = torch.relu(x @ self.w1.T + self.b1)
    //       if x.shape[1] == 100: return h @ self.w2.T
    //       else:                 return h @ self.w3.T
    k.manualSeed(1);
    const w1Wide = k.randn([5, 6], opts);
    const w1Narrow = k.randn([5, 4], opts);
    const b1 = k.randn([5], opts);
    const w2 = k.randn([3, 5], opts);
    const w3 = k.randn([2, 5], opts);
    const forward = (
      x: k.Tensor,
      wWide: k.Tensor,
      wNarrow: k.Tensor,
      b: k.Tensor,
      a: k.Tensor,
      c: k.Tensor,
    ) => {
      const first = x.shape[1] === 6 ? wWide : wNarrow;
      const h = k.relu(x.matmul(first.t()).add(b));
      return x.shape[1] === 6 ? h.matmul(a.t()) : h.matmul(c.t()).tanh();
    };
    const xWide = k.randn([7, 6], { dtype: 'float64' });
    const xNarrow = k.randn([7, 4], { dtype: 'float64' });
    const params = [w1Wide, w1Narrow, b1, w2, w3];
    expect(forward(xWide, ...(params as [k.Tensor, k.Tensor, k.Tensor, k.Tensor, k.Tensor])).shape).toEqual([
      7, 3,
    ]);
    expect(forward(xNarrow, ...(params as [k.Tensor, k.Tensor, k.Tensor, k.Tensor, k.Tensor])).shape).toEqual(
      [7, 2],
    );
    // Each branch differentiates only the parameters it used.
    const out = forward(xWide, ...(params as [k.Tensor, k.Tensor, k.Tensor, k.Tensor, k.Tensor]));
    out.sum().backward();
    expect(w1Wide.grad).not.toBeNull();
    expect(w1Narrow.grad).toBeNull();
    expect(w3.grad).toBeNull();
    for (const x of [xWide, xNarrow]) {
      gradcheck(
        (...ps) => forward(x, ...(ps as [k.Tensor, k.Tensor, k.Tensor, k.Tensor, k.Tensor])),
        params,
        { allowUnused: true },
      );
    }
  });

  it('(b) a tanh recurrence whose number of steps is read from the input data', () => {
    // PyTorch:
    //   steps = int(x[0, 0].item())
    //   h = torch.zeros(hidden)
    //   for t in range(steps): h = torch.tanh(W @ h + U @ x[t + 1] + b)
    //   return (V @ h).sum()
    k.manualSeed(2);
    const hidden = 4;
    const W = k.randn([hidden, hidden], opts).mul(0.5).detach().requiresGrad_();
    const U = k.randn([hidden, 3], opts);
    const b = k.randn([hidden], opts);
    const V = k.randn([2, hidden], opts);
    const forward = (x: k.Tensor, w: k.Tensor, u: k.Tensor, bias: k.Tensor, v: k.Tensor) => {
      const steps = x.index(0, 0).item() as number;
      let h = k.zeros([hidden], { dtype: 'float64' });
      for (let t = 0; t < steps; t++)
        h = k.tanh(
          w
            .mv(h)
            .add(u.mv(x.index(t + 1)))
            .add(bias),
        );
      return v.mv(h);
    };
    const make = (steps: number) => {
      const x = k.randn([steps + 1, 3], { dtype: 'float64' });
      k.noGrad(() => x.index(0, 0).fill_(steps));
      return x;
    };
    const depths = new Set<number>();
    for (const steps of [1, 3, 6]) {
      const x = make(steps);
      const out = forward(x, W, U, b, V);
      // The graph depth follows the data: count tanh nodes on the path back from the output.
      let node = out.gradFn;
      let tanhs = 0;
      const seen = new Set<unknown>();
      const stack = node ? [node] : [];
      while (stack.length) {
        node = stack.pop()!;
        if (seen.has(node)) continue;
        seen.add(node);
        if (node.name === 'TanhBackward') tanhs++;
        for (const e of node.next) if (e) stack.push(e.node);
      }
      depths.add(tanhs);
      expect(tanhs).toBe(steps);
      gradcheck((...ps) => forward(x, ...(ps as [k.Tensor, k.Tensor, k.Tensor, k.Tensor])), [W, U, b, V]);
    }
    expect(depths.size).toBe(3);
  });
});
