/**
 * The tracing hook: a minimal recording layer at the level of the public ops, used by
 * `@kindling/nn`'s `jit.trace` and `onnx.export` (core itself records nothing and depends on no
 * tracer).
 *
 * While a hook is set (`setTraceHook`), every public op called from outside another op is reported
 * once, with its name, its arguments as given and its result:
 * - free functions (`k.add(a, b)`, `k.conv2d(...)`, `k.zeros(...)`) report `('function', name,
 *   args, result)`: their entry points start with `if (traceOn) return traceCall(name, fn, args)`;
 * - Tensor methods (`x.add(b)`, `x.view(2, 3)`, `x.add_(b)`) report `('method', name, [x, ...args],
 *   result)`: the methods of `Tensor.prototype` are wrapped while the hook is set and restored
 *   when it is cleared, so tracing costs nothing when off.
 * Ops called by other ops (a composite op's parts, `linear`'s matmul) are not reported: the record
 * is at the level the caller wrote, and replaying the same calls through the public ops reproduces
 * both the values and their gradients on every backend.
 *
 * Reads of tensor values into JS (`item`, `tolist`, `dataSync`, `data`, `itemAsync`,
 * `tolistAsync`) outside an op are reported through `hook.read` (they make a trace data-dependent).
 * Tracing is synchronous and global: set the hook, run the model, clear the hook.
 */
import { Tensor } from './tensor.js';

/** How a traced op was called: as a free function (`k.add`) or as a Tensor method (`x.add`). */
export type TraceCallKind = 'function' | 'method';

/** What a tracer receives (see the module doc). */
export interface TraceHook {
  /**
   * A public op called outside any other op returned `result`. For methods, `args[0]` is the
   * tensor the method was called on.
   */
  op(kind: TraceCallKind, name: string, args: readonly unknown[], result: unknown): void;
  /** A tensor's values were read into JS by `method` (e.g. 'item') outside any op. */
  read(method: string, tensor: Tensor): void;
}

let activeHook: TraceHook | null = null;
let depth = 0;

/**
 * @internal True while a hook is set and no reported op is running. Op entry points test it (one
 * load of a module binding) before calling `traceCall`.
 */
export let traceOn = false;

function refresh(): void {
  traceOn = activeHook !== null && depth === 0;
}

/** Methods that are not ops: metadata, autograd plumbing, printing, memory. */
const NOT_OPS = new Set([
  'constructor',
  'dim',
  'numel',
  'size',
  'stride',
  'storageOffset',
  'isContiguous',
  'elementSize',
  'requiresGrad_',
  'gradAccumulator',
  'retainGrad',
  'registerHook',
  'canReadSync',
  'syncReadError',
  'compactView',
  'checkOneElement',
  'nest',
  'toString',
  'dispose',
  'backward',
  'toAsync',
]);
/** Methods that read values into JS. */
const READS = new Set(['dataSync', 'data', 'item', 'itemAsync', 'tolist', 'tolistAsync']);

/**
 * How the tracer treats a Tensor method: 'op' (reported to `hook.op`), 'read' (a value read into
 * JS, reported to `hook.read`) or null (metadata, autograd plumbing, printing, memory: not
 * reported). Graph builders use it to know which recorded methods they may replay.
 */
export function traceMethodKind(name: string): 'op' | 'read' | null {
  if (name.startsWith('_') || NOT_OPS.has(name)) return null;
  const d = Object.getOwnPropertyDescriptor(Tensor.prototype, name);
  if (!d || typeof d.value !== 'function') return null;
  return READS.has(name) ? 'read' : 'op';
}

type AnyMethod = (this: Tensor, ...args: unknown[]) => unknown;
let savedMethods: Map<string, AnyMethod> | null = null;

function wrapMethod(name: string, orig: AnyMethod): AnyMethod {
  const read = READS.has(name);
  return function traced(this: Tensor, ...args: unknown[]): unknown {
    if (!traceOn) return orig.apply(this, args);
    const hook = activeHook as TraceHook;
    if (read) hook.read(name, this);
    depth++;
    traceOn = false;
    let r: unknown;
    try {
      r = orig.apply(this, args);
    } finally {
      depth--;
      refresh();
    }
    if (!read) hook.op('method', name, [this, ...args], r);
    return r;
  };
}

function installMethodWrappers(): void {
  if (savedMethods) return;
  const proto = Tensor.prototype as unknown as Record<string, AnyMethod>;
  const saved = new Map<string, AnyMethod>();
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (traceMethodKind(name) === null) continue;
    saved.set(name, proto[name]);
    proto[name] = wrapMethod(name, proto[name]);
  }
  savedMethods = saved;
}

function removeMethodWrappers(): void {
  if (!savedMethods) return;
  const proto = Tensor.prototype as unknown as Record<string, AnyMethod>;
  for (const [name, fn] of savedMethods) proto[name] = fn;
  savedMethods = null;
}

/**
 * Sets (or, with `null`, clears) the global trace hook and returns the previous one. Throws while
 * an op is running (a hook cannot be swapped from inside an op).
 */
export function setTraceHook(hook: TraceHook | null): TraceHook | null {
  if (depth > 0) throw new Error('setTraceHook: cannot change the trace hook while an op is running');
  const prev = activeHook;
  activeHook = hook;
  if (hook) installMethodWrappers();
  else removeMethodWrappers();
  refresh();
  return prev;
}

/** The trace hook in effect, or null. */
export function getTraceHook(): TraceHook | null {
  return activeHook;
}

/**
 * True while a reported op (or `untraced`) is running: code that observes tensors during a trace
 * (e.g. a shape-read check) uses it to ignore what the ops themselves do.
 */
export function isInsideTracedOp(): boolean {
  return depth > 0;
}

/** Runs `fn` without reporting any op it calls (for a tracer's own bookkeeping). */
export function untraced<T>(fn: () => T): T {
  depth++;
  traceOn = false;
  try {
    return fn();
  } finally {
    depth--;
    refresh();
  }
}

/**
 * @internal Called by a free function's entry point when `traceOn`: runs `fn(...args)` with
 * reporting suspended, then reports the call.
 */
export function traceCall<R>(name: string, fn: (...args: never[]) => R, args: readonly unknown[]): R {
  const hook = activeHook as TraceHook;
  depth++;
  traceOn = false;
  let r: R;
  try {
    r = (fn as unknown as (...a: readonly unknown[]) => R)(...args);
  } finally {
    depth--;
    refresh();
  }
  hook.op('function', name, args, r);
  return r;
}
