/**
 * `jit.trace`: runs a module once with the core trace hook set and records the public ops it
 * calls into a `Graph` (see ./ir.ts). Like `torch.jit.trace`, control flow is recorded as the path
 * taken; reads of tensor values into JS and reads of shapes by the traced code raise a
 * `TracerWarning` (once per kind and trace), since the graph is specialised to them.
 */
import * as k from '@kindling/core';
import * as layers from '../layers/index.js';
import { Module, Parameter } from '../module.js';
import {
  CREATION_OPS,
  containsTensor,
  type EncodedArg,
  encodeArg,
  GRAPH_VERSION,
  type Graph,
  type GraphConstant,
  type GraphNode,
  type GraphParam,
  isFunctionOp,
  isMethodOp,
  RANDOM_OPS,
  type ValueInfo,
} from './ir.js';
import { TracedModule } from './traced-module.js';

type Tensor = k.Tensor;

/** What a `TracerWarning` is about. */
export type TracerWarningKind = 'value-read' | 'shape-read' | 'captured-constant' | 'random-constant';

/**
 * A warning raised while tracing (PyTorch's `torch.jit.TracerWarning`): the trace may not
 * generalise to other inputs.
 */
export interface TracerWarning {
  kind: TracerWarningKind;
  message: string;
}

/** Options of `jit.trace`. */
export interface TraceOptions {
  /**
   * Called with each warning (at most one per kind and trace). Defaults to `console.warn` of the
   * message. The warnings are also kept in `traced.warnings`.
   */
  onWarning?: (w: TracerWarning) => void;
}

/** Classes of `nn` whose own shape reads are not reported (they are the library, not the user's code). */
const CONTAINERS = new Set<unknown>([layers.Sequential, layers.ModuleList, layers.ModuleDict]);
const BUILTIN = new Set<unknown>(
  Object.values(layers).filter(
    (v) => typeof v === 'function' && v.prototype instanceof Module && !CONTAINERS.has(v),
  ),
);

const INDEX_RE = /^\d+$/;

interface Session {
  active: boolean;
  builtinDepth: number;
  warn(kind: TracerWarningKind, message: string): void;
}

/** Replaces `t.shape` by a proxy that reports reads by the traced code (outside ops and nn layers). */
function watchShape(t: Tensor, s: Session, label: () => string): void {
  const orig = t.shape;
  if (Object.getOwnPropertyDescriptor(t, 'shape')?.configurable === false) return;
  const proxy = new Proxy(orig as number[], {
    get(target, prop, recv) {
      if (
        s.active &&
        s.builtinDepth === 0 &&
        !k.isInsideTracedOp() &&
        typeof prop === 'string' &&
        (INDEX_RE.test(prop) || prop === 'length')
      ) {
        const what = prop === 'length' ? `${label()}.shape.length (ndim)` : `${label()}.shape[${prop}]`;
        s.warn(
          'shape-read',
          `forward read ${what} = ${Reflect.get(target, prop, recv)} into JavaScript: the trace is specialised to the traced shapes, and any branch taken on them is fixed in the graph. Trace again with inputs of other shapes to record the other path.`,
        );
      }
      return Reflect.get(target, prop, recv);
    },
  });
  Object.defineProperty(t, 'shape', { value: proxy, writable: true, configurable: true, enumerable: true });
}

function unwatchShape(t: Tensor, orig: readonly number[]): void {
  Object.defineProperty(t, 'shape', { value: orig, writable: true, configurable: true, enumerable: true });
}

function plainShape(t: Tensor): number[] {
  return Array.from(t.shape);
}

/**
 * Runs `module` on `exampleInputs` and records the ops of its forward into a `TracedModule`
 * (PyTorch's `torch.jit.trace`). The traced module shares the original's parameters and buffers.
 * Forward must be synchronous and take tensors; it may return a tensor or (nested) arrays and plain
 * objects of tensors.
 */
export function trace(
  module: Module,
  exampleInputs: Tensor | readonly Tensor[],
  opts: TraceOptions = {},
): TracedModule {
  if (!(module instanceof Module)) throw new TypeError('jit.trace: expected an nn.Module');
  const inputs = exampleInputs instanceof k.Tensor ? [exampleInputs] : [...exampleInputs];
  inputs.forEach((x, i) => {
    if (!(x instanceof k.Tensor)) throw new TypeError(`jit.trace: example input ${i} is not a Tensor`);
  });
  if (k.getTraceHook() !== null) throw new Error('jit.trace: another trace is already running');

  const warnings: TracerWarning[] = [];
  const warned = new Set<TracerWarningKind>();
  const onWarning = opts.onWarning ?? ((w: TracerWarning) => console.warn(`TracerWarning: ${w.message}`));
  const session: Session = {
    active: true,
    builtinDepth: 0,
    warn(kind, message) {
      if (warned.has(kind)) return;
      warned.add(kind);
      const w = { kind, message };
      warnings.push(w);
      onWarning(w);
    },
  };

  const values: ValueInfo[] = [];
  const ids = new Map<Tensor, number>();
  const params: GraphParam[] = [];
  const constants: GraphConstant[] = [];
  const constTensors: Tensor[] = [];
  const nodes: GraphNode[] = [];
  const madeConstants = new Set<Tensor>();
  const mutableConsts = new Set<number>();
  const constIds = new Map<number, number>(); // value id -> index in constants

  const known = new Map<Tensor, { name: string; kind: 'parameter' | 'buffer' }>();
  for (const [name, p] of module.namedParameters()) known.set(p, { name, kind: 'parameter' });
  for (const [name, b] of module.namedBuffers()) if (!known.has(b)) known.set(b, { name, kind: 'buffer' });

  const newValue = (t: Tensor): number => {
    const id = values.length;
    values.push({ shape: plainShape(t), dtype: t.dtype });
    ids.set(t, id);
    return id;
  };

  const refOf = (t: Tensor): number => {
    const id = ids.get(t);
    if (id !== undefined) return id;
    const pk = known.get(t);
    if (pk) {
      const v = newValue(t);
      params.push({
        name: pk.name,
        value: v,
        kind: pk.kind,
        ...(pk.kind === 'parameter' ? { requiresGrad: t.requiresGrad } : {}),
      });
      return v;
    }
    if (!madeConstants.has(t))
      session.warn(
        'captured-constant',
        `forward used a tensor of shape [${plainShape(t).join(', ')}] that is neither an input, a parameter or buffer of the module, nor computed from them by a recorded op; it is stored in the graph as a constant. Register it as a buffer if it is state, or make sure it does not depend on the inputs.`,
      );
    const v = newValue(t);
    constIds.set(v, constants.length);
    constants.push({ name: `__constants__.${constants.length}`, value: v });
    constTensors.push(k.keep(k.noGrad(() => t.detach().clone())));
    return v;
  };

  const hook: k.TraceHook = {
    op(kind, name, args, result) {
      k.untraced(() => {
        if (!containsTensor(result)) return; // metadata (e.g. x.type())
        if (kind === 'function' && CREATION_OPS.has(name)) {
          if (RANDOM_OPS.has(name))
            session.warn(
              'random-constant',
              `forward called k.${name}(): its random values are frozen into the trace as a constant`,
            );
          const mark = (v: unknown) => {
            if (v instanceof k.Tensor) madeConstants.add(v);
            else if (Array.isArray(v)) v.forEach(mark);
          };
          mark(result);
          return;
        }
        if (kind === 'function' ? !isFunctionOp(name) : !isMethodOp(name))
          throw new Error(`jit.trace: op '${name}' cannot be recorded (it is not a replayable ${kind})`);
        const where = `op '${name}'`;
        const enc = args.map((a) => encodeArg(a, refOf, where));
        if (kind === 'method' && name.endsWith('_')) {
          const self = enc[0] as { $v: number };
          if (constIds.has(self.$v)) mutableConsts.add(self.$v);
        }
        const out = encodeOut(result, name);
        const node: GraphNode = { kind, op: name, args: enc, out };
        if (!k.isGradEnabled()) node.noGrad = true;
        nodes.push(node);
      });
    },
    read(method) {
      session.warn(
        'value-read',
        `forward read tensor values into JavaScript with ${method}(): the trace records the values seen now as constants of the control flow and will not generalise to other inputs`,
      );
    },
  };

  const encodeOut = (v: unknown, op: string): EncodedArg => {
    if (v instanceof k.Tensor) {
      const id = newValue(v);
      if (!originalShapes.has(v)) {
        originalShapes.set(v, v.shape);
        watchShape(v, session, () => `${op}() output %${id}`);
      }
      return { $v: id };
    }
    if (Array.isArray(v)) return v.map((x) => encodeOut(x, op));
    return encodeArg(v, refOf, `result of op '${op}'`);
  };
  const originalShapes = new Map<Tensor, readonly number[]>();

  // Inputs, with shape reads reported.
  const inputIds = inputs.map((x, i) => {
    if (ids.has(x)) throw new Error(`jit.trace: example input ${i} is passed twice`);
    const id = newValue(x);
    originalShapes.set(x, x.shape);
    watchShape(x, session, () => `input ${i}`);
    return id;
  });

  // The nn layers' own shape reads are library internals: silence them.
  const patched: [Module, PropertyDescriptor | undefined][] = [];
  for (const m of module.modules()) {
    if (!BUILTIN.has(m.constructor)) continue;
    const own = Object.getOwnPropertyDescriptor(m, 'forward');
    const orig = m.forward as (...a: unknown[]) => unknown;
    patched.push([m, own]);
    Object.defineProperty(m, 'forward', {
      configurable: true,
      writable: true,
      value: function builtinForward(this: Module, ...a: unknown[]) {
        session.builtinDepth++;
        try {
          return orig.apply(this, a);
        } finally {
          session.builtinDepth--;
        }
      },
    });
  }

  let output: unknown;
  k.setTraceHook(hook);
  try {
    output = (module.call as (...a: unknown[]) => unknown)(...inputs);
  } finally {
    k.setTraceHook(null);
    session.active = false;
    for (const [m, own] of patched) {
      if (own) Object.defineProperty(m, 'forward', own);
      else delete (m as unknown as Record<string, unknown>).forward;
    }
    for (const [t, s] of originalShapes) unwatchShape(t, s);
  }
  if (!containsTensor(output)) throw new Error('jit.trace: forward returned no tensor');
  const encodedOutput = encodeArg(output, refOf, 'the output');
  for (const c of constants) if (mutableConsts.has(c.value)) c.mutable = true;

  const graph: Graph = {
    version: GRAPH_VERSION,
    values,
    inputs: inputIds,
    params,
    constants,
    nodes,
    output: encodedOutput,
  };
  const paramTensors = new Map<string, Tensor>();
  for (const p of params) {
    for (const [t, info] of known) if (info.name === p.name) paramTensors.set(p.name, t);
  }
  return TracedModule._create(graph, paramTensors, constTensors, warnings, (t) => t instanceof Parameter);
}
