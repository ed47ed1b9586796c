/**
 * `onnx.export`: traces a module (in eval mode) and writes an ONNX ModelProto, one or more ONNX
 * nodes per traced op (see ./ops.ts for the mapping table).
 */
import type * as k from '@kindling/core';
import { forEachRef } from '../jit/ir.js';
import { type TracerWarning, trace } from '../jit/trace.js';
import { TracedModule } from '../jit/traced-module.js';
import { Module } from '../module.js';
import { ONNX_DTYPE, OnnxBuilder } from './builder.js';
import { emitterFor } from './ops.js';
import { encodeModel } from './proto.js';

type Tensor = k.Tensor;

/** Options of `onnx.export` (PyTorch's `torch.onnx.export` arguments, camelCased). */
export interface ExportOptions {
  /** ONNX opset, 17 to 21 (default 17). */
  opsetVersion?: number;
  /** Names of the graph inputs (default `input_0`, `input_1`, ...). */
  inputNames?: readonly string[];
  /** Names of the graph outputs (default `output_0`, ...). */
  outputNames?: readonly string[];
  /**
   * Symbolic axes per input/output name: `{ input_0: { 0: 'batch' } }` or `{ input_0: [0] }`
   * (named `<name>_dim<axis>`). Ops whose traced attributes fix such a size (e.g. a reshape to an
   * absolute shape that does not keep dim 0) still use the traced size.
   */
  dynamicAxes?: Readonly<Record<string, readonly number[] | Readonly<Record<number, string>>>>;
  /** Graph name (default: the module's class name). */
  graphName?: string;
  /** Receives tracer warnings (default `console.warn`). */
  onWarning?: (w: TracerWarning) => void;
}

/** Lowest ONNX opset the exporter writes (the default). */
export const MIN_OPSET = 17;
/** Highest ONNX opset the exporter writes. */
export const MAX_OPSET = 21;

function irVersionFor(opset: number): number {
  return opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
}

/**
 * Exports `module` to ONNX bytes (a ModelProto). The module is traced on `exampleInputs` in eval
 * mode (dropout off, batch norm on running stats), like `torch.onnx.export`'s default; a
 * `TracedModule` is exported as is.
 */
export function exportModel(
  module: Module,
  exampleInputs: Tensor | readonly Tensor[],
  opts: ExportOptions = {},
): Uint8Array {
  const opset = opts.opsetVersion ?? MIN_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET)
    throw new Error(
      `onnx.export: opsetVersion must be an integer from ${MIN_OPSET} to ${MAX_OPSET} (got ${opset})`,
    );
  if (!(module instanceof Module)) throw new TypeError('onnx.export: expected an nn.Module');
  let traced: TracedModule;
  if (module instanceof TracedModule) traced = module;
  else {
    const wasTraining = module.training;
    module.eval();
    try {
      traced = trace(module, exampleInputs, { onWarning: opts.onWarning });
    } finally {
      module.train(wasTraining);
    }
  }
  const g = traced.graph;

  // Names: inputs, initializers (parameters, buffers, constants), intermediates.
  const names = g.values.map((_, i) => `v${i}`);
  g.inputs.forEach((id, i) => {
    names[id] = opts.inputNames?.[i] ?? `input_${i}`;
  });
  if (opts.inputNames && opts.inputNames.length !== g.inputs.length)
    throw new Error(`onnx.export: ${opts.inputNames.length} inputNames for ${g.inputs.length} inputs`);
  for (const p of g.params) names[p.value] = p.name;
  for (const c of g.constants) names[c.value] = c.name;

  const b = new OnnxBuilder(g, opset, names);
  const tensors = new Map<string, Tensor>(traced.namedBuffers());
  for (const [n, p] of traced.namedParameters()) tensors.set(n, p);
  for (const item of [...g.params, ...g.constants]) {
    const t = tensors.get(item.name);
    if (!t) throw new Error(`onnx.export: tensor '${item.name}' is missing`);
    if (!t.canReadSync())
      throw new Error(
        `onnx.export: tensor '${item.name}' lives on '${t.device}'; export from a cpu or wasm module`,
      );
    b.constant(t.dataSync(), t.dtype, t.shape, item.name);
  }

  const dimNames = (name: string, rank: number): (string | null)[] => {
    const spec = opts.dynamicAxes?.[name];
    const out: (string | null)[] = new Array(rank).fill(null);
    if (!spec) return out;
    if (Array.isArray(spec)) for (const a of spec as number[]) out[a] = `${name}_dim${a}`;
    else for (const [a, n] of Object.entries(spec)) out[Number(a)] = n as string;
    return out;
  };
  const valueInfo = (name: string, id: number) => {
    const v = g.values[id];
    const dyn = dimNames(name, v.shape.length);
    return {
      name,
      type: {
        tensorType: {
          elemType: ONNX_DTYPE[v.dtype],
          shape: { dim: v.shape.map((s, i) => (dyn[i] !== null ? { dimParam: dyn[i] } : { dimValue: s })) },
        },
      },
    };
  };
  const inputs = g.inputs.map((id) => valueInfo(names[id], id));
  g.inputs.forEach((id) => {
    if (dimNames(names[id], g.values[id].shape.length)[0] !== null) b.dynamic0.add(id);
  });

  for (const n of g.nodes) {
    const emit = emitterFor(n.op);
    if (!emit)
      throw new Error(`onnx.export: op '${n.op}' has no ONNX mapping (see the table in onnx/ops.ts)`);
    const outs = b.outputIds(n.out);
    emit(b, b.decodeArgs(n), outs, n.op);
    // dim 0 stays dynamic through ops that keep it.
    let dyn = false;
    for (const a of n.args)
      forEachRef(a, (id) => {
        if (b.dynamic0.has(id)) dyn = true;
      });
    if (dyn) for (const id of outs) if (g.values[id].shape.length > 0) b.dynamic0.add(id);
  }

  const outIds: number[] = [];
  forEachRef(g.output, (id) => outIds.push(id));
  if (opts.outputNames && opts.outputNames.length !== outIds.length)
    throw new Error(`onnx.export: ${opts.outputNames.length} outputNames for ${outIds.length} outputs`);
  const outputs = outIds.map((id, i) => {
    const name = opts.outputNames?.[i] ?? `output_${i}`;
    b.add1('Identity', [names[id]], {}, name);
    return valueInfo(name, id);
  });

  return encodeModel({
    irVersion: irVersionFor(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'kindling',
    producerVersion: '0',
    graph: {
      name: opts.graphName ?? module.constructor.name,
      node: b.nodes,
      initializer: b.initializers,
      input: inputs,
      output: outputs,
    },
  });
}
