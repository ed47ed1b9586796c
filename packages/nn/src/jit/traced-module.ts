/**
 * `TracedModule`: a `Graph` with its parameters, buffers and constants, run by replaying the
 * recorded public ops (so it runs on every backend and autograd records through it).
 */
import * as k from '@kindling/core';
import { Module, Parameter } from '../module.js';
import { bindOutputs, decodeArg, type Graph, opFunction } from './ir.js';
import type { TracerWarning } from './trace.js';

type Tensor = k.Tensor;

const CONSTANTS = '__constants__';

interface Internals {
  graph: Graph;
  warnings: readonly TracerWarning[];
  calls: ((...args: unknown[]) => unknown)[];
}
const internals = new WeakMap<TracedModule, Internals>();

function get(m: TracedModule): Internals {
  const s = internals.get(m);
  if (!s) throw new Error('TracedModule: not initialised (use jit.trace or jit.load)');
  return s;
}

/** A holder of parameters and buffers at one level of the original module's name tree. */
class Holder extends Module {}

/** Walks `a.b.c` from `root`, creating holder modules on the way; returns [module, leaf name]. */
function holderFor(root: Module, dotted: string): [Module, string] {
  const parts = dotted.split('.');
  let m = root;
  for (const p of parts.slice(0, -1)) {
    const child = (m as unknown as Record<string, unknown>)[p];
    if (child instanceof Module) m = child;
    else {
      const h = new Holder();
      m.registerModule(p, h);
      m = h;
    }
  }
  return [m, parts[parts.length - 1]];
}

function lookup(root: Module, dotted: string): Tensor {
  let v: unknown = root;
  for (const p of dotted.split('.')) v = (v as Record<string, unknown>)[p];
  if (!(v instanceof k.Tensor)) throw new Error(`TracedModule: tensor '${dotted}' is missing`);
  return v;
}

function shapeStr(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

/**
 * A module whose forward is a recorded graph (PyTorch's `ScriptModule` from `torch.jit.trace`).
 * `call(...inputs)` takes tensors of the traced shapes and dtypes, on any device (move the module
 * with `.to(device)`); gradients flow to its parameters. Control flow is fixed to the traced path.
 */
export class TracedModule extends Module {
  /** @internal Use `jit.trace` or `jit.load`. */
  static _create(
    graph: Graph,
    tensors: ReadonlyMap<string, Tensor>,
    constants: readonly Tensor[],
    warnings: readonly TracerWarning[],
    isParameter: (t: Tensor) => boolean,
  ): TracedModule {
    const m = new TracedModule();
    for (const p of graph.params) {
      const t = tensors.get(p.name);
      if (!t) throw new Error(`TracedModule: tensor '${p.name}' is missing`);
      const [holder, leaf] = holderFor(m, p.name);
      if (p.kind === 'parameter')
        holder.registerParameter(
          leaf,
          isParameter(t) ? (t as Parameter) : new Parameter(t, p.requiresGrad ?? true),
        );
      else holder.registerBuffer(leaf, t);
    }
    if (graph.constants.length) {
      const h = new Holder();
      m.registerModule(CONSTANTS, h);
      graph.constants.forEach((c, i) => {
        h.registerBuffer(c.name.slice(CONSTANTS.length + 1) || String(i), constants[i], false);
      });
    }
    internals.set(m, {
      graph,
      warnings,
      calls: graph.nodes.map((n) => opFunction(n.kind, n.op)),
    });
    return m;
  }

  /** The recorded graph (read-only; see `jit` docs for its format). */
  get graph(): Readonly<Graph> {
    return get(this).graph;
  }
  /** The warnings raised while tracing (empty for loaded modules). */
  get warnings(): readonly TracerWarning[] {
    return get(this).warnings;
  }

  /** Replays the graph on `inputs` (tensors of the traced shapes and dtypes). */
  override forward(...inputs: Tensor[]): unknown {
    const { graph, calls } = get(this);
    if (inputs.length !== graph.inputs.length)
      throw new Error(`TracedModule: expected ${graph.inputs.length} input(s), got ${inputs.length}`);
    const env: (Tensor | undefined)[] = new Array(graph.values.length);
    graph.inputs.forEach((id, i) => {
      const x = inputs[i];
      const info = graph.values[id];
      if (!(x instanceof k.Tensor)) throw new TypeError(`TracedModule: input ${i} is not a Tensor`);
      if (
        x.dtype !== info.dtype ||
        x.shape.length !== info.shape.length ||
        x.shape.some((s, d) => s !== info.shape[d])
      )
        throw new Error(
          `TracedModule: input ${i} has shape ${shapeStr(x.shape)} and dtype ${x.dtype}, but the module was traced with shape ${shapeStr(info.shape)} and dtype ${info.dtype} (a trace is specialised to its shapes: trace again for other shapes)`,
        );
      env[id] = x;
    });
    for (const p of graph.params) env[p.value] = lookup(this, p.name);
    graph.constants.forEach((c) => {
      const t = lookup(this, c.name);
      env[c.value] = c.mutable ? k.noGrad(() => t.clone()) : t;
    });
    const lookupValue = (id: number): Tensor => {
      const t = env[id];
      if (t === undefined) throw new Error(`TracedModule: value ${id} is used before it is defined`);
      return t;
    };
    const bind = (id: number, t: Tensor) => {
      env[id] = t;
    };
    graph.nodes.forEach((n, i) => {
      const args = n.args.map((a) => decodeArg(a, lookupValue));
      const f = calls[i];
      const result = n.noGrad ? k.noGrad(() => f(...args)) : f(...args);
      bindOutputs(n.out, result, bind, n.op);
    });
    return decodeArg(graph.output, lookupValue);
  }

  /** The graph as readable text, one op per line (like TorchScript's `module.graph`). */
  code(): string {
    const g = get(this).graph;
    const fmt = (a: unknown): string => JSON.stringify(a).replace(/\{"\$v":(\d+)\}/g, '%$1');
    const lines = [
      `graph(${g.inputs.map((id) => `%${id}: ${g.values[id].dtype}${shapeStr(g.values[id].shape)}`).join(', ')}):`,
    ];
    for (const p of g.params) lines.push(`  %${p.value} = ${p.kind}['${p.name}']`);
    for (const c of g.constants)
      lines.push(`  %${c.value} = constant ${g.values[c.value].dtype}${shapeStr(g.values[c.value].shape)}`);
    for (const n of g.nodes) {
      const call =
        n.kind === 'method'
          ? `${fmt(n.args[0])}.${n.op}(${n.args.slice(1).map(fmt).join(', ')})`
          : `k.${n.op}(${n.args.map(fmt).join(', ')})`;
      lines.push(`  ${fmt(n.out)} = ${call}${n.noGrad ? '  # noGrad' : ''}`);
    }
    lines.push(`  return ${fmt(g.output)}`);
    return lines.join('\n');
  }
}
