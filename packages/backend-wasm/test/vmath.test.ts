/**
 * Accuracy of the vectorised transcendental functions (assembly/vmath.ts) on float32 inputs,
 * against float64 references: max relative error <= 1e-6 wherever the exact result is a normal
 * float32 (|y| >= 2^-126), over wide input ranges, on both the SIMD body and the scalar tail.
 */
import '@kindling/backend-wasm';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

await k.initBackend('wasm');

const FLT_MIN = 1.1754943508222875e-38;

/** erf to ~1e-16: the all-positive series below 2.5, the continued fraction of erfc above. */
function erfcLarge(x: number): number {
  let f = x;
  for (let n = 80; n >= 1; n--) f = x + n / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 2.5) return Math.sign(x) * (1 - erfcLarge(ax));
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * 1e-18) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}
function erfc(x: number): number {
  if (x >= 2.5) return erfcLarge(x);
  if (x <= -2.5) return 2 - erfcLarge(-x);
  return 1 - erf(x);
}
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const gelu = (x: number) => 0.5 * x * erfc(-x / Math.SQRT2);

/** n points spread over [lo, hi] (log-spaced for positive ranges spanning decades), plus extras. */
function grid(lo: number, hi: number, n: number, log = false): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = i / (n - 1);
    v[i] = log ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
  }
  return v;
}

function maxRelError(op: string, xs: Float32Array, ref: (x: number) => number): { err: number; at: number } {
  const t = k.tensor(xs, { device: 'wasm' });
  const y = (t as unknown as Record<string, () => k.Tensor>)[op]().dataSync();
  let err = 0;
  let at = Number.NaN;
  for (let i = 0; i < xs.length; i++) {
    const want = ref(xs[i]);
    if (!(Math.abs(want) >= FLT_MIN)) continue;
    const e = Math.abs(y[i] - want) / Math.abs(want);
    if (!(e <= err)) {
      err = e;
      at = xs[i];
    }
  }
  return { err, at };
}

const N = 200003; // not a multiple of 4: exercises the tail
const cases: [op: string, ref: (x: number) => number, inputs: Float32Array][] = [
  ['exp', Math.exp, grid(-103, 88.7, N)],
  ['log', Math.log, grid(1e-44, 3e38, N, true)],
  ['log', Math.log, grid(0.5, 2, N)],
  ['tanh', Math.tanh, grid(-12, 12, N)],
  ['tanh', Math.tanh, grid(-1e-3, 1e-3, N)],
  ['sigmoid', sigmoid, grid(-100, 40, N)],
  ['erf', erf, grid(-6, 6, N)],
  ['erf', erf, grid(-1e-3, 1e-3, N)],
  ['erfc', erfc, grid(-6, 10, N)],
  ['gelu', gelu, grid(-13, 13, N)],
  ['gelu', gelu, grid(-1e-3, 1e-3, N)],
  ['silu', (x) => x * sigmoid(x), grid(-80, 80, N)],
];

describe('vectorised transcendentals: max relative error <= 1e-6 (float32)', () => {
  for (const [op, ref, xs] of cases) {
    it(`${op} on [${xs[0]}, ${xs[xs.length - 1]}]`, () => {
      const { err, at } = maxRelError(op, xs, ref);
      expect(err, `${op}: max relative error ${err} at x = ${at}`).toBeLessThanOrEqual(1e-6);
    });
  }

  it('handles special values like Math', () => {
    const xs = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 89, -104, 1e-40];
    const t = k.tensor(xs, { device: 'wasm' });
    const f32 = (v: number) => Math.fround(v);
    expect(t.exp().tolist()).toEqual(xs.map((x) => f32(Math.exp(x))));
    expect(t.tanh().tolist()).toEqual(xs.map((x) => f32(Math.tanh(x))));
    expect(t.sigmoid().tolist()).toEqual(xs.map((x) => f32(sigmoid(x))));
    const logs = t.log().tolist() as number[];
    expect(logs.slice(0, 7)).toEqual(xs.slice(0, 7).map((x) => f32(Math.log(x))));
    expect(Math.abs(logs[7] - Math.log(f32(1e-40))) / 92).toBeLessThan(1e-6);
    const e = t.erf().tolist() as number[];
    expect(e.slice(0, 5)).toEqual([0, -0, 1, -1, Number.NaN]);
  });
});

describe('exp fast path', () => {
  it('dense exp (one-factor fast path where a group is in range) equals the strided walker bitwise', () => {
    // values around both ends of the fast range, mixed into groups of 16 and alone
    const n = 4099;
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = (i * 7919) % n;
      v[i] = i % 2 === 0 ? -87.4 + (u / n) * 0.2 : 88.2 + (u / n) * 0.6;
      if (i > 2048) v[i] = -90 + (u / n) * 180;
    }
    const dense = k.tensor(v, { device: 'wasm' });
    // a strided view of the same values takes the generic walker (two-factor vexp on every lane)
    const wide = k.zeros([n, 2], { device: 'wasm' });
    wide.select(1, 0).copy_(dense);
    const a = dense.exp().dataSync();
    const b = wide.select(1, 0).exp().dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    for (let i = 0; i < n; i++) {
      const want = Math.exp(v[i]);
      if (want >= FLT_MIN && want <= 3.4028234663852886e38)
        expect(Math.abs(a[i] - want) / want).toBeLessThanOrEqual(1e-6);
    }
  });
});
