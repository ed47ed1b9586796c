import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { it } from 'vitest';

function time(name: string, f: () => unknown, reps = 20) {
  for (let i = 0; i < 5; i++) f();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  console.log(name, ((performance.now() - t0) / reps).toFixed(2), 'ms');
}
it('bench', () => {
  const x = k.randn(1000, 1000);
  const a = x.dataSync() as Float32Array;
  time('raw sum', () => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i];
    return s;
  });
  time('raw cumsum', () => {
    const o = new Float32Array(a.length);
    let s = 0;
    for (let i = 0; i < a.length; i++) o[i] = s += a[i];
    return o;
  });
  time('raw exp', () => {
    const o = new Float32Array(a.length);
    for (let i = 0; i < a.length; i++) o[i] = Math.exp(a[i]);
    return o;
  });
  time('k.exp', () => x.exp());
  time('k.add', () => x.add(x));
  time('sum all', () => x.sum());
  time('sum dim0', () => x.sum(0));
  time('cumsum dim1', () => x.cumsum(1));
  time('softmax dim1', () => x.softmax(1));
});
