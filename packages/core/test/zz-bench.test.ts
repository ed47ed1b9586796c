import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { it } from 'vitest';

function time(name: string, f: () => unknown, reps = 5) {
  f();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  console.log(name, ((performance.now() - t0) / reps).toFixed(2), 'ms');
}
it('bench', () => {
  const x = k.randn(1000, 1000);
  const xt = x.t();
  time('sum all', () => x.sum());
  time('sum dim1', () => x.sum(1));
  time('sum dim0', () => x.sum(0));
  time('sum dim0 of transposed', () => xt.sum(0));
  time('mean dim1', () => x.mean(1));
  time('amax dim1', () => x.amax(1));
  time('amax dim0', () => x.amax(0));
  time('max dim1', () => x.max(1));
  time('max dim0', () => x.max(0));
  time('argmax dim1', () => x.argmax(1));
  time('var dim1', () => x.var(1));
  time('logsumexp dim1', () => x.logsumexp(1));
  time('softmax dim1', () => x.softmax(1));
  time('softmax dim0', () => x.softmax(0));
  time('logSoftmax dim1', () => x.logSoftmax(1));
  time('cumsum dim1', () => x.cumsum(1));
  time('sort dim1', () => x.sort(1), 2);
  time('topk 5 dim1', () => x.topk(5, 1), 2);
  const y = k.randn(1000, 1000, { requiresGrad: true });
  time('softmax fwd+bwd', () => {
    y.softmax(1).mul(y).sum().backward();
  });
  time('max(dim) fwd+bwd', () => {
    y.max(1)[0].sum().backward();
  });
});
