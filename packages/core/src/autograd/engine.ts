import { add } from '../ops/binary.js';
import { clone, toDtype } from '../ops/copy.js';
import { zeros } from '../ops/creation.js';
import { formatShape, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { isAnomalyEnabled, isGradEnabled, noGrad, setGradEnabled } from './mode.js';
import { AccumulateGrad, type Edge, type GradNode } from './node.js';

/** Options of `backward()`: keep the graph or record the backward pass for higher-order gradients. */
export interface BackwardOptions {
  /** Keep saved tensors so the graph can be walked again. Defaults to `createGraph`. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
}

/** Options of `grad()`: output gradients, unused-input handling, plus those of `backward()`. */
export interface GradOptions extends BackwardOptions {
  gradOutputs?: (Tensor | null)[];
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/** The edge through which gradient reaches `t`: its producing node, or its leaf accumulator. */
export function gradientEdge(t: Tensor): Edge | null {
  if (t.base !== null) t._checkViewFresh();
  if (t.gradFn) return { node: t.gradFn, inputNr: t.outputNr };
  if (t.requiresGrad) return { node: t.gradAccumulator(), inputNr: 0 };
  return null;
}

function rootEdgesAndGrads(
  op: string,
  outputs: Tensor[],
  gradOutputs: (Tensor | null | undefined)[] | undefined,
) {
  const edges: Edge[] = [];
  const grads: Tensor[] = [];
  outputs.forEach((out, i) => {
    const edge = gradientEdge(out);
    if (!edge)
      throw new Error(`${op}: element ${i} of tensors does not require grad and does not have a grad_fn`);
    let g = gradOutputs?.[i] ?? null;
    if (g === null) {
      if (out.numel() !== 1)
        throw new Error(
          `${op}: grad can be implicitly created only for scalar outputs (got shape ${formatShape(out.shape)})`,
        );
      g = noGrad(() => zeros(out.shape, { dtype: out.dtype, device: out.device }).fill_(1));
    } else if (!shapesEqual(g.shape, out.shape)) {
      throw new Error(
        `${op}: Mismatch in shape: grad_output[${i}] has a shape of ${formatShape(g.shape)} and output[${i}] has a shape of ${formatShape(out.shape)}.`,
      );
    } else if (g.dtype !== out.dtype) {
      // PyTorch's validate_outputs casts a gradient to the dtype of what it is the gradient of.
      g = toDtype(g, out.dtype);
    } else notAdoptable.add(g);
    edges.push(edge);
    grads.push(g);
  });
  return { edges, grads };
}

/** `tensors[i].backward(gradTensors[i])` for all i at once, accumulating into leaves' `.grad`. */
export function backward(
  tensors: Tensor[],
  gradTensors?: (Tensor | null)[],
  opts: BackwardOptions = {},
): void {
  const { edges, grads } = rootEdgesAndGrads('backward', tensors, gradTensors);
  const createGraph = opts.createGraph ?? false;
  run(edges, grads, opts.retainGraph ?? createGraph, createGraph, null);
}

/** PyTorch's torch.autograd.grad: returns d(outputs)/d(inputs) without touching `.grad`. */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  opts: GradOptions = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const { edges, grads } = rootEdgesAndGrads('grad', outs, opts.gradOutputs);
  const captures = ins.map((t, i) => {
    const e = gradientEdge(t);
    if (!e) throw new Error(`grad: One of the differentiated Tensors (input ${i}) does not require grad`);
    return e;
  });
  const createGraph = opts.createGraph ?? false;
  const results = run(edges, grads, opts.retainGraph ?? createGraph, createGraph, captures);
  return results.map((r, i) => {
    if (r === null && !opts.allowUnused)
      throw new Error(
        `grad: One of the differentiated Tensors (input ${i}) appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.`,
      );
    return r;
  });
}

function hasNaN(t: Tensor): boolean {
  if (!t.canReadSync()) return false;
  const d = t.dataSync();
  for (let i = 0; i < d.length; i++) if (Number.isNaN(d[i])) return true;
  return false;
}

function accumulate(existing: Tensor | null, g: Tensor): Tensor {
  return existing === null ? g : add(existing, g);
}

/**
 * The engine: count dependencies over the graph reachable from the roots, then run nodes in an
 * order where each runs once all gradients flowing into it have arrived (micrograd's topological
 * walk, with PyTorch's dependency counts so shared subgraphs are visited once).
 */
function run(
  rootEdges: Edge[],
  rootGrads: Tensor[],
  keepGraph: boolean,
  createGraph: boolean,
  captures: Edge[] | null,
): (Tensor | null)[] {
  const deps = new Map<GradNode, number>();
  const stack: GradNode[] = [];
  for (const e of rootEdges) {
    if (!deps.has(e.node)) {
      deps.set(e.node, 0);
      stack.push(e.node);
    }
  }
  while (stack.length) {
    const node = stack.pop()!;
    for (const e of node.next) {
      if (!e) continue;
      const d = deps.get(e.node);
      if (d === undefined) {
        deps.set(e.node, 1);
        stack.push(e.node);
      } else deps.set(e.node, d + 1);
    }
  }

  // k.grad runs only the nodes on a path to an input, like PyTorch's exec_info: other leaves'
  // hooks don't fire and gradients nobody asked for are not computed.
  const needed = captures ? neededNodes(rootEdges, captures) : null;

  const buffers = new Map<GradNode, (Tensor | null)[]>();
  const bufferFor = (n: GradNode) => {
    let b = buffers.get(n);
    if (!b) buffers.set(n, (b = new Array(n.outputs.length).fill(null)));
    return b;
  };
  const prevMode = isGradEnabled();
  setGradEnabled(createGraph);
  try {
    rootEdges.forEach((e, i) => {
      const b = bufferFor(e.node);
      b[e.inputNr] = accumulate(b[e.inputNr], rootGrads[i]);
    });
    const captured: (Tensor | null)[] = captures ? captures.map(() => null) : [];
    const ready: GradNode[] = [];
    for (const e of rootEdges) if (deps.get(e.node) === 0 && !ready.includes(e.node)) ready.push(e.node);

    while (ready.length) {
      const node = ready.pop()!;
      if (needed && !needed.has(node)) continue;
      const buf = buffers.get(node) ?? new Array(node.outputs.length).fill(null);
      buffers.delete(node);

      // Tensor hooks and retainGrad on this node's outputs see the fully accumulated gradient.
      for (let i = 0; i < buf.length; i++) {
        let g = buf[i];
        if (g === null) continue;
        const hooks = node instanceof AccumulateGrad ? node.variable.leafHooks : node.tensorHooks?.get(i);
        if (hooks)
          for (const h of hooks) {
            // A hook may keep the gradient it sees or return one it holds: never adopt those as
            // a `.grad` that later backward calls accumulate into in place.
            notAdoptable.add(g);
            const r = h(g);
            if (r) checkHookResult(g, r);
            g = r ?? g;
          }
        if (hooks?.length) notAdoptable.add(g);
        buf[i] = g;
        const r = node.retained?.get(i);
        if (r && !captures) {
          if (r.grad === null) r.grad = adoptGrad(g, createGraph);
          else {
            r.grad = add(r.grad, g);
            r.grad.isKept = true;
          }
        }
      }
      if (captures)
        captures.forEach((c, ci) => {
          if (c.node === node && buf[c.inputNr] !== null) captured[ci] = buf[c.inputNr];
        });

      if (node instanceof AccumulateGrad) {
        if (!captures && buf[0] !== null) accumulateIntoLeaf(node.variable, buf[0], createGraph);
        continue;
      }
      const needs = node.next.map((e) => e !== null && (!needed || needed.has(e.node)));
      if (!needs.includes(true)) continue;

      const grads = buf.map(
        (g, i) =>
          g ?? zeros(node.outputs[i].shape, { dtype: node.outputs[i].dtype, device: node.outputs[i].device }),
      );
      const inGrads = node.apply(grads, keepGraph, needs);
      if (isAnomalyEnabled()) {
        inGrads.forEach((g, i) => {
          if (g && hasNaN(g))
            throw new Error(
              `Function '${node.name}' returned nan values in its ${i}th output.\nTraceback of forward call that caused the error:\n${node.forwardStack ?? '(unavailable: enable anomaly detection before the forward pass)'}`,
            );
        });
      }
      node.next.forEach((e, i) => {
        if (!e || !needs[i]) return;
        let g = inGrads[i];
        if (g) {
          const meta = e.node.outputs[e.inputNr];
          if (!shapesEqual(g.shape, meta.shape))
            throw new Error(
              `Function ${node.name} returned an invalid gradient at index ${i} - got ${formatShape(g.shape)} but expected shape compatible with ${formatShape(meta.shape)}`,
            );
          if (g.dtype !== meta.dtype) g = toDtype(g, meta.dtype);
          const b = bufferFor(e.node);
          b[e.inputNr] = accumulate(b[e.inputNr], g);
        }
        const left = deps.get(e.node)! - 1;
        deps.set(e.node, left);
        if (left === 0) ready.push(e.node);
      });
    }
    return captured;
  } finally {
    setGradEnabled(prevMode);
  }
}

/** The nodes reachable from the roots from which a captured node can be reached. */
function neededNodes(rootEdges: readonly Edge[], captures: readonly Edge[]): Set<GradNode> {
  const targets = new Set(captures.map((c) => c.node));
  // Iterative post-order DFS (graphs of long loops are too deep for recursion): successors first.
  const order: GradNode[] = [];
  const visited = new Set<GradNode>();
  for (const root of rootEdges) {
    if (visited.has(root.node)) continue;
    visited.add(root.node);
    const stack: [GradNode, number][] = [[root.node, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const n = top[0];
      if (top[1] < n.next.length) {
        const e = n.next[top[1]++];
        if (e && !visited.has(e.node)) {
          visited.add(e.node);
          stack.push([e.node, 0]);
        }
      } else {
        stack.pop();
        order.push(n);
      }
    }
  }
  const needed = new Set<GradNode>();
  for (const n of order)
    if (targets.has(n) || n.next.some((e) => e !== null && needed.has(e.node))) needed.add(n);
  return needed;
}

/** PyTorch's check that a tensor hook returned a gradient of the same size and dtype. */
function checkHookResult(g: Tensor, r: Tensor): void {
  if (!shapesEqual(r.shape, g.shape))
    throw new Error(
      `registerHook: a hook has changed the size of the gradient (was ${formatShape(g.shape)}, got ${formatShape(r.shape)})`,
    );
  if (r.dtype !== g.dtype)
    throw new Error(
      `registerHook: a hook has changed the type of the gradient (was ${g.dtype}, got ${r.dtype})`,
    );
}

/** Tensors that may not be adopted as a `.grad` without a copy: user-supplied or already adopted. */
const notAdoptable = new WeakSet<Tensor>();

/**
 * A gradient tensor to store in `.grad`: adopted as-is when nothing else can see it, else copied.
 * With `createGraph` it is always a (differentiable) clone, as in PyTorch: the incoming gradient may be
 * the caller's `gradient` tensor, another tensor's `.grad`, or saved by the double-backward graph, and
 * a later backward without `createGraph` accumulates into `.grad` in place.
 */
function adoptGrad(g: Tensor, createGraph: boolean): Tensor {
  let out = g;
  if (createGraph) out = clone(g);
  else if (notAdoptable.has(g) || g.isView || g.requiresGrad) out = noGrad(() => clone(g));
  notAdoptable.add(out);
  out.isKept = true;
  return out;
}

function accumulateIntoLeaf(leaf: Tensor, g: Tensor, createGraph: boolean): void {
  if (leaf.grad === null) {
    leaf.grad = adoptGrad(g, createGraph);
  } else if (createGraph || leaf.grad.requiresGrad) {
    leaf.grad = add(leaf.grad, g);
    leaf.grad.isKept = true;
  } else {
    noGrad(() => leaf.grad!.add_(g));
  }
}

declare module '../tensor.js' {
  interface Tensor {
    /** Computes gradients of this tensor w.r.t. graph leaves and accumulates them into `.grad`. */
    backward(gradient?: Tensor | null, opts?: BackwardOptions): void;
    /** `backward(opts)`: the implicit gradient of a one-element tensor, with options. */
    backward(opts: BackwardOptions): void;
  }
}

Tensor.prototype.backward = function (
  this: Tensor,
  gradient?: Tensor | BackwardOptions | null,
  opts?: BackwardOptions,
) {
  // `loss.backward({ retainGraph: true })`, like PyTorch's keyword-only `loss.backward(retain_graph=True)`.
  if (gradient != null && !(gradient instanceof Tensor)) {
    opts = gradient;
    gradient = null;
  }
  backward([this], [gradient ?? null], opts);
};
