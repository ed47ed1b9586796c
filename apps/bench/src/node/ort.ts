/**
 * onnxruntime-node (native, its default thread pool) as the native reference for the workloads
 * that are a single ONNX op: matmul, conv2d, add, exp. Node only.
 */
import type * as OrtNs from 'onnxruntime-node';
import { uniform } from '../workloads/defs.js';
import type { Implementation, WorkloadGroup } from '../workloads/types.js';
import { type OnnxAttr, type OnnxInitializer, type OnnxValue, singleNodeModel } from './onnx.js';

type Ort = typeof OrtNs;

async function prepare(
  ort: Ort,
  opType: string,
  inputs: Array<OnnxValue & { data: Float32Array }>,
  output: OnnxValue,
  initializers: OnnxInitializer[] = [],
  attrs: OnnxAttr[] = [],
) {
  const model = singleNodeModel({ opType, inputs, initializers, output, attrs });
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'all' });
  const feeds: Record<string, OrtNs.Tensor> = {};
  for (const i of inputs) feeds[i.name] = new ort.Tensor('float32', i.data, i.shape);
  const run = async () => (await session.run(feeds))[output.name];
  return {
    result: async () => Float32Array.from((await run()).data as Float32Array),
    run: async () => {
      const out = await run();
      out.dispose?.();
    },
    dispose: () => {
      void session.release();
    },
  };
}

export function ortImpls(ort: Ort): Partial<Record<WorkloadGroup, Implementation>> {
  return {
    async matmul(w) {
      const n = w.params.n;
      return prepare(
        ort,
        'MatMul',
        [
          { name: 'A', shape: [n, n], data: uniform(1, n * n) },
          { name: 'B', shape: [n, n], data: uniform(2, n * n) },
        ],
        { name: 'Y', shape: [n, n] },
      );
    },
    async conv2d(w) {
      const { batch, cin, cout, size, kernel } = w.params;
      const bound = 1 / Math.sqrt(cin * kernel * kernel);
      const pad = (kernel - 1) / 2;
      return prepare(
        ort,
        'Conv',
        [{ name: 'X', shape: [batch, cin, size, size], data: uniform(21, batch * cin * size * size) }],
        { name: 'Y', shape: [batch, cout, size, size] },
        [
          {
            name: 'W',
            shape: [cout, cin, kernel, kernel],
            data: uniform(22, cout * cin * kernel * kernel, -bound, bound),
          },
          { name: 'B', shape: [cout], data: uniform(23, cout, -bound, bound) },
        ],
        [
          { name: 'kernel_shape', ints: [kernel, kernel] },
          { name: 'pads', ints: [pad, pad, pad, pad] },
        ],
      );
    },
    async add(w) {
      const n = w.params.n;
      return prepare(
        ort,
        'Add',
        [
          { name: 'A', shape: [n], data: uniform(31, n) },
          { name: 'B', shape: [n], data: uniform(32, n) },
        ],
        { name: 'Y', shape: [n] },
      );
    },
    async exp(w) {
      const n = w.params.n;
      return prepare(ort, 'Exp', [{ name: 'X', shape: [n], data: uniform(33, n, -10, 10) }], {
        name: 'Y',
        shape: [n],
      });
    },
  };
}
