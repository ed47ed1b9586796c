/** jit.trace / jit.save / jit.load: replay, fresh-process reload, warnings, training, malformed files. */
import '@kindling/backend-cpu';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k from '@kindling/core';
import { jit, nn, optim, saveSafetensors } from '@kindling/nn';
import { describe, expect, it } from 'vitest';
import { build, CASES, DynamicClassifier, runModel } from './jit-models.js';

type Tensor = k.Tensor;
const pkgDir = dirname(dirname(fileURLToPath(import.meta.url)));

function bytesOf(t: Tensor): Uint8Array {
  const d = t.dataSync();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
}
function quiet(): jit.TraceOptions {
  return { onWarning: () => {} };
}

describe('jit.trace', () => {
  for (const c of CASES) {
    it(`${c.name}: the traced module reproduces the model bit for bit on new inputs`, () => {
      const m = build(c);
      const traced = jit.trace(m, c.input(1), quiet());
      expect(traced.warnings).toEqual([]);
      for (const seed of [2, 3]) {
        const x = c.input(seed);
        expect(bytesOf(traced.call(x) as Tensor)).toEqual(bytesOf(runModel(m, x)));
      }
    });
  }

  it('records public ops with parameters by name and prints the graph', () => {
    const m = build(CASES[0]);
    const traced = jit.trace(m, CASES[0].input(1));
    const g = traced.graph;
    expect(g.nodes.map((n) => n.op)).toEqual([
      'conv2d',
      'relu',
      'maxPool2d',
      'conv2d',
      'relu',
      'maxPool2d',
      'flatten',
      'linear',
      'relu',
      'linear',
    ]);
    expect(g.params.map((p) => p.name)).toEqual(Object.keys(m.stateDict()));
    expect(Object.keys(traced.stateDict())).toEqual(Object.keys(m.stateDict()));
    expect(traced.code()).toContain("parameter['0.weight']");
    expect(traced.code()).toContain('k.conv2d(%0, %1, %2');
  });

  it('rejects inputs of other shapes with a clear error', () => {
    const traced = jit.trace(build(CASES[0]), CASES[0].input(1));
    expect(() => traced.call(k.randn([3, 1, 28, 28]))).toThrow(/traced with shape \[2, 1, 28, 28\]/);
  });

  it('DynamicClassifier: warns about the shape-dependent branch and records the path taken', () => {
    k.manualSeed(0);
    const m = new DynamicClassifier();
    const warnings: jit.TracerWarning[] = [];
    const flat = k.randn([4, 100]);
    const t1 = jit.trace(m, flat, { onWarning: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.kind)).toEqual(['shape-read']);
    expect(warnings[0].message).toContain('input 0.shape[1] = 100');
    expect(t1.warnings).toEqual(warnings);
    const used1 = t1.graph.params.map((p) => p.name);
    expect(used1).toContain('fc2.weight');
    expect(used1).not.toContain('fc3.weight');

    const seq = k.randn([4, 7, 100]);
    const t2 = jit.trace(m, seq, quiet());
    expect(t2.warnings.map((w) => w.kind)).toEqual(['shape-read']);
    const used2 = t2.graph.params.map((p) => p.name);
    expect(used2).toContain('fc3.weight');
    expect(used2).not.toContain('fc2.weight');
    const x2 = k.randn([4, 7, 100]);
    expect(bytesOf(t2.call(x2) as Tensor)).toEqual(bytesOf(m.call(x2) as Tensor));
  });

  it('warns when forward reads tensor values into JavaScript, and freezes the branch taken', () => {
    class Gate extends nn.Module {
      override forward(x: Tensor): Tensor {
        return x.sum().item() > 0 ? x.mul(2) : x.neg();
      }
    }
    const warnings: jit.TracerWarning[] = [];
    const traced = jit.trace(new Gate(), k.ones([3]), { onWarning: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.kind)).toEqual(['value-read']);
    expect(warnings[0].message).toContain('item()');
    expect((traced.call(k.full([3], -1, { dtype: 'float32' })) as Tensor).tolist()).toEqual([-2, -2, -2]);
  });

  it('stores constants made in forward and warns about captured tensors', () => {
    const outside = k.tensor([1, 2, 3]);
    class C extends nn.Module {
      override forward(x: Tensor): Tensor {
        return x.add(k.arange(3).float()).mul(outside);
      }
    }
    const warnings: jit.TracerWarning[] = [];
    const traced = jit.trace(new C(), k.zeros([3]), { onWarning: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.kind)).toEqual(['captured-constant']);
    expect(traced.graph.constants.length).toBe(2);
    const back = jit.load(jit.save(traced));
    expect((back.call(k.ones([3])) as Tensor).tolist()).toEqual([1, 4, 9]);
  });

  it('a traced module trains: gradients reach its parameters and match the original', () => {
    k.manualSeed(0);
    const m = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 2));
    const x = k.randn([5, 4]);
    const target = k.randn([5, 2]);
    const traced = jit.trace(m, x);
    const loss = (out: unknown) => (out as Tensor).sub(target).pow(2).mean();
    loss(m.call(x)).backward();
    const want = m.parameters().map((p) => bytesOf(p.grad as Tensor));
    m.zeroGrad();
    loss(traced.call(x)).backward();
    expect(traced.parameters().map((p) => bytesOf(p.grad as Tensor))).toEqual(want);

    // A loaded module trains on its own parameters.
    const loaded = jit.load(jit.save(traced));
    const opt = new optim.SGD(loaded.parameters(), { lr: 0.1 });
    const first = loss(loaded.call(x)).item();
    for (let i = 0; i < 20; i++) {
      opt.zeroGrad();
      loss(loaded.call(x)).backward();
      opt.step();
    }
    expect(loss(loaded.call(x)).item()).toBeLessThan(first);
  });
});

describe('jit.save / jit.load', () => {
  it('reloads the three models in a fresh process and reproduces their outputs bit for bit on cpu', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-jit-'));
    try {
      const expected = new Map<string, Uint8Array>();
      for (const c of CASES) {
        const m = build(c);
        const traced = jit.trace(m, c.input(1), quiet());
        writeFileSync(join(dir, `${c.name}.kjit`), jit.save(traced));
        const x = c.input(4);
        writeFileSync(join(dir, `${c.name}.input.bin`), bytesOf(x));
        writeFileSync(join(dir, `${c.name}.input.json`), JSON.stringify({ shape: x.shape, dtype: x.dtype }));
        expected.set(c.name, bytesOf(runModel(m, x)));
      }
      const vitest = join(pkgDir, 'node_modules/vitest/vitest.mjs');
      const r = spawnSync(process.execPath, [vitest, 'run', 'test/jit-reload.child.test.ts'], {
        cwd: pkgDir,
        env: { ...process.env, KINDLING_JIT_CHILD_DIR: dir, CI: 'true' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (r.status !== 0) throw new Error(`child process failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
      for (const c of CASES) {
        const got = new Uint8Array(readFileSync(join(dir, `${c.name}.output.bin`)));
        expect(got.length).toBeGreaterThan(0);
        expect(got).toEqual(expected.get(c.name));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes one safetensors file holding the weights and the graph', () => {
    const m = build(CASES[0]);
    const bytes = jit.save(jit.trace(m, CASES[0].input(1)));
    const header = JSON.parse(
      new TextDecoder().decode(
        bytes.subarray(8, 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true))),
      ),
    );
    expect(header.__metadata__.format).toBe('kindling.jit');
    expect(header.__metadata__['kindling.jit.version']).toBe('1');
    expect(JSON.parse(header.__metadata__['kindling.jit.graph']).nodes.length).toBe(10);
    expect(
      Object.keys(header)
        .filter((n) => n !== '__metadata__')
        .sort(),
    ).toEqual(Object.keys(m.stateDict()).sort());
  });

  describe('malformed files give clear errors', () => {
    const good = () => jit.save(jit.trace(new nn.Linear(3, 2), k.randn([4, 3])));
    const withGraph = (edit: (g: Record<string, unknown>) => void, meta: Record<string, string> = {}) => {
      const traced = jit.load(good());
      const g = JSON.parse(JSON.stringify(traced.graph));
      edit(g);
      const tensors = traced.stateDict();
      return saveSafetensors(tensors, {
        format: 'kindling.jit',
        'kindling.jit.version': '1',
        'kindling.jit.graph': JSON.stringify(g),
        ...meta,
      });
    };
    it('not safetensors at all', () => {
      expect(() => jit.load(new Uint8Array([1, 2, 3]))).toThrow(
        /jit\.load: not a Kindling jit file \(it is not valid safetensors/,
      );
    });
    it('truncated', () => {
      const b = good();
      expect(() => jit.load(b.subarray(0, b.length - 10))).toThrow(
        /jit\.load: .*(could not read the tensors|not valid safetensors)/,
      );
    });
    it('plain weights without a graph', () => {
      expect(() => jit.load(saveSafetensors({ w: k.ones([2]) }))).toThrow(
        /metadata 'format' is missing, expected 'kindling\.jit'/,
      );
    });
    it('unsupported version', () => {
      expect(() => jit.load(withGraph(() => {}, { 'kindling.jit.version': '9' }))).toThrow(
        /unsupported jit file version "9"/,
      );
    });
    it('graph is not JSON', () => {
      expect(() => jit.load(withGraph(() => {}, { 'kindling.jit.graph': '{nope' }))).toThrow(
        /the graph is not valid JSON/,
      );
    });
    it('an op that is not a replayable Kindling op', () => {
      expect(() =>
        jit.load(
          withGraph((g) => {
            (g.nodes as { op: string }[])[0].op = 'setDefaultDevice';
          }),
        ),
      ).toThrow(
        /nodes\[0\] \('setDefaultDevice'\): 'setDefaultDevice' is not a Kindling function that graphs may call/,
      );
    });
    it('a value read before it is defined', () => {
      expect(() =>
        jit.load(
          withGraph((g) => {
            g.output = { $v: 3 };
            g.nodes = [];
          }),
        ),
      ).toThrow(/output reads value 3 before it is defined/);
    });
    it('a tensor missing from the file or of the wrong shape', () => {
      expect(() =>
        jit.load(
          withGraph((g) => {
            (g.params as { name: string }[])[0].name = 'nothere';
          }),
        ),
      ).toThrow(/tensor 'nothere' is listed in the graph but missing from the file/);
      expect(() =>
        jit.load(
          withGraph((g) => {
            const p = (g.params as { value: number }[])[0];
            (g.values as { shape: number[] }[])[p.value].shape = [9, 9];
          }),
        ),
      ).toThrow(/tensor 'weight' has shape \[2, 3\] and dtype float32, but the graph expects \[9, 9\]/);
    });
    it('structurally wrong graph', () => {
      expect(() =>
        jit.load(
          withGraph((g) => {
            g.nodes = 'x';
          }),
        ),
      ).toThrow(/malformed graph: 'nodes' must be an array/);
    });
  });
});
