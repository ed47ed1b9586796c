/** onnx.export, verified by running the exported models in onnxruntime-node. */
import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { nn, onnx } from '@kindling/nn';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { build, CASES, runModel } from './jit-models.js';

type Tensor = k.Tensor;

function ortTensor(x: Tensor): ort.Tensor {
  const dims = [...x.shape];
  if (x.dtype === 'int32') return new ort.Tensor('int32', x.dataSync() as Int32Array, dims);
  return new ort.Tensor('float32', x.dataSync() as Float32Array, dims);
}

async function runOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  const f: Record<string, ort.Tensor> = {};
  for (const [n, t] of Object.entries(feeds)) f[n] = ortTensor(t);
  return session.run(f);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('onnx.export → onnxruntime-node', () => {
  for (const c of CASES) {
    for (const opset of [17, 18]) {
      it(`${c.name} (opset ${opset}): onnxruntime reproduces Kindling's outputs within 1e-4`, async () => {
        const m = build(c);
        const bytes = onnx.export(m, c.input(1), {
          opsetVersion: opset,
          inputNames: ['x'],
          outputNames: ['y'],
        });
        const session = await ort.InferenceSession.create(bytes);
        expect(session.inputNames).toEqual(['x']);
        expect(session.outputNames).toEqual(['y']);
        for (const seed of [1, 2, 3]) {
          const x = c.input(seed);
          const want = runModel(m, x).dataSync();
          const got = (await session.run({ x: ortTensor(x) })).y;
          expect(got.dims).toEqual(runModel(m, x).shape);
          expect(maxDiff(got.data as Float32Array, want)).toBeLessThan(1e-4);
        }
      });
    }
  }

  it('dynamicAxes: the CNN runs on other batch sizes', async () => {
    const m = build(CASES[0]);
    const bytes = onnx.export(m, CASES[0].input(1), {
      inputNames: ['image'],
      outputNames: ['logits'],
      dynamicAxes: { image: { 0: 'batch' }, logits: { 0: 'batch' } },
    });
    const model = onnx.decodeModel(bytes) as {
      graph: { input: { type: { tensorType: { shape: { dim: { dimParam?: string }[] } } } }[] };
    };
    expect(model.graph.input[0].type.tensorType.shape.dim[0].dimParam).toBe('batch');
    for (const n of [1, 5]) {
      const x = k.randn([n, 1, 28, 28]);
      const got = (await runOrt(bytes, { image: x })).logits;
      expect(got.dims).toEqual([n, 10]);
      expect(maxDiff(got.data as Float32Array, runModel(m, x).dataSync())).toBeLessThan(1e-4);
    }
  });

  it('writes a ModelProto with the opset, initializers named like the state dict, and eval-mode semantics', async () => {
    k.manualSeed(0);
    const m = new nn.Sequential(
      new nn.Conv2d(3, 4, 3, { padding: 'same' }),
      new nn.BatchNorm2d(4),
      new nn.GELU(),
      new nn.AvgPool2d(2),
      new nn.Dropout(0.5),
      new nn.Flatten(),
      new nn.Linear(4 * 4 * 4, 6),
      new nn.LayerNorm(6),
      new nn.Softmax(-1),
    );
    // Non-trivial running statistics.
    m.train();
    for (let i = 0; i < 3; i++) m.call(k.randn([4, 3, 8, 8]).mul(2).add(1));
    m.train(); // export switches to eval and restores the mode
    const x = k.randn([2, 3, 8, 8]);
    const bytes = onnx.export(m, x);
    expect(m.training).toBe(true);
    const model = onnx.decodeModel(bytes) as {
      irVersion: number;
      opsetImport: { version: number }[];
      graph: { initializer: { name: string }[]; node: { opType: string }[] };
    };
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport[0].version).toBe(17);
    const inits = model.graph.initializer.map((t) => t.name);
    for (const name of Object.keys(m.stateDict()))
      if (!name.endsWith('num_batches_tracked')) expect(inits).toContain(name);
    expect(model.graph.node.map((n) => n.opType)).toContain('Conv');
    m.eval();
    const want = runModel(m, x).dataSync();
    const got = (await runOrt(bytes, { input_0: x })).output_0;
    expect(maxDiff(got.data as Float32Array, want)).toBeLessThan(1e-4);
  });

  it('exports a GRU and elementwise ops', async () => {
    class G extends nn.Module {
      gru = new nn.GRU(5, 6, { numLayers: 2 });
      override forward(x: Tensor): Tensor[] {
        const [out, h] = this.gru.call(x);
        return [
          out.mul(2).sub(h.sum(0)).clamp(-0.5, 0.5),
          k.cat([h.select(0, 0), h.select(0, 1)], 1).sigmoid(),
        ];
      }
    }
    k.manualSeed(1);
    const m = new G();
    m.eval();
    const x = k.randn([4, 2, 5]);
    const r = await runOrt(onnx.export(m, x), { input_0: x });
    const [a, b] = m.call(x);
    expect(maxDiff(r.output_0.data as Float32Array, a.dataSync())).toBeLessThan(1e-4);
    expect(maxDiff(r.output_1.data as Float32Array, b.dataSync())).toBeLessThan(1e-4);
  });

  it('exports view and indexing ops', async () => {
    class V extends nn.Module {
      override forward(x: Tensor): Tensor {
        const [a, b] = x.chunk(2, 1);
        const y = k
          .stack([a, b.flip(2)], 0)
          .permute(1, 0, 3, 2)
          .narrow(2, 1, 2);
        const z = y.index(k.slice(null, null, 2), -1, null, '...').reshape(-1);
        return k.cat([z, k.pad(x.index(0), [1, 1]).mean([0, 1], true).squeeze(0).exp()], 0);
      }
    }
    const x = k.randn([3, 4, 5]);
    const m = new V();
    const r = await runOrt(onnx.export(m, x), { input_0: x });
    expect(maxDiff(r.output_0.data as Float32Array, runModel(m, x).dataSync())).toBeLessThan(1e-5);
  });

  it('rejects opsets below 17 and ops without a mapping', () => {
    const m = new nn.Linear(3, 2);
    expect(() => onnx.export(m, k.randn([1, 3]), { opsetVersion: 13 })).toThrow(
      /opsetVersion must be an integer from 17 to 21/,
    );
    class S extends nn.Module {
      override forward(x: Tensor): Tensor {
        return x.cumprod(0);
      }
    }
    expect(() => onnx.export(new S(), k.randn([3]))).toThrow(/op 'cumprod' has no ONNX mapping/);
    expect(onnx.supportedOps()).toContain('linear');
  });
});
