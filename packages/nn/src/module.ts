/**
 * `nn.Module` and `nn.Parameter`, with PyTorch's semantics: submodules and parameters are whatever
 * `Module`/`Parameter` values the instance holds in its own fields (declaration/assignment order),
 * buffers are registered by name, and `stateDict()` keys are the dotted field paths.
 */
import * as k from '@kindling/core';
import { addIndent } from './repr.js';

/** A tensor that is a module parameter: a leaf sharing storage with the tensor it was made from. */
export class Parameter extends k.Tensor {
  constructor(data: k.Tensor = k.empty(0), requiresGrad = true) {
    super(data.storage, data.shape.slice(), data.strides.slice(), data.storageOffset(), null);
    // Parameters live as long as their module, never inside an enclosing tidy scope.
    k.keep(this);
    if (requiresGrad) this.requiresGrad_(true);
  }
  /** `Parameter containing:` followed by the tensor, like PyTorch's repr. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** Whether `v` is an `nn.Parameter`. */
export function isParameter(v: unknown): v is Parameter {
  return v instanceof Parameter;
}

/** Returned by the `register*Hook` methods; `remove()` unregisters the hook. */
export interface RemovableHandle {
  /** Unregisters the hook (a no-op when already removed). */
  remove(): void;
}

/**
 * Runs before `forward` with the module and its arguments; a non-`undefined` result replaces the
 * arguments (an array is spread, any other value becomes the single argument).
 */
export type ForwardPreHook<M extends Module = Module> = (module: M, args: unknown[]) => unknown;
/**
 * Runs after `forward` with the module, its arguments and its output; a non-`undefined` result
 * replaces the output.
 */
export type ForwardHook<M extends Module = Module> = (module: M, args: unknown[], output: unknown) => unknown;

interface Internals {
  buffers: string[];
  nonPersistent: Set<string>;
  preHooks: ForwardPreHook[];
  hooks: ForwardHook[];
}

// Kept off the instance so that scanning its own fields sees only user state.
const internals = new WeakMap<Module, Internals>();
function state(m: Module): Internals {
  let s = internals.get(m);
  if (!s) internals.set(m, (s = { buffers: [], nonPersistent: new Set(), preHooks: [], hooks: [] }));
  return s;
}

/** Options of `Module.zeroGrad`. */
export interface ZeroGradOptions {
  /** Set grads to `null` instead of zeroing them in place (default `true`, like PyTorch). */
  setToNone?: boolean;
}
/** Options of `Module.stateDict`. */
export interface StateDictOptions {
  /** Prepended to every key (default `''`). */
  prefix?: string;
  /** Return the live parameters/buffers instead of detached aliases. */
  keepVars?: boolean;
}
/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /** Throw on missing or unexpected keys (default `true`). */
  strict?: boolean;
}
/** What `Module.loadStateDict` did not match (PyTorch's `_IncompatibleKeys`). */
export interface IncompatibleKeys {
  /** Keys of this module that the state dict lacks. */
  missingKeys: string[];
  /** Keys of the state dict that this module does not have. */
  unexpectedKeys: string[];
}
/** Parameters and buffers by dotted name, as returned by `Module.stateDict()`. */
export type StateDict = Record<string, k.Tensor>;

/** The call signature(s) of a `forward` method: up to three overloads are kept. */
export type CallOf<F> = F extends {
  (...a: infer A1): infer R1;
  (...a: infer A2): infer R2;
  (...a: infer A3): infer R3;
}
  ? { (...a: A1): R1; (...a: A2): R2; (...a: A3): R3 }
  : F extends (...a: infer A) => infer R
    ? (...a: A) => R
    : never;
/** What `Module.to` accepts: a dtype, a device name, or both. */
export type ToTarget = k.DType | string | { dtype?: k.DType; device?: string };

const DTYPES = new Set<string>(['float32', 'float64', 'int32', 'bool']);

/**
 * Base class of every layer and model. Subclasses assign submodules and `Parameter`s to fields and
 * implement `forward`; `module.call(...args)` runs the forward hooks around `forward` (PyTorch's
 * `module(x)`).
 */
export class Module {
  /** Whether the module is in training mode (set by `train()`/`eval()`); affects dropout and batch norm. */
  training = true;

  constructor() {
    state(this);
  }

  /**
   * The computation; user code with free control flow. (Typed `never[]` here so any subclass
   * signature is compatible; `call` takes the subclass's parameter types.)
   */
  forward(..._args: never[]): unknown {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /**
   * Runs forward pre-hooks, `forward`, then forward hooks (PyTorch's `module(...)`); typed like
   * this module's `forward`, overloads included.
   */
  declare call: CallOf<this['forward']>;

  // ------------------------------------------------------------------ members
  /** @internal Own members in registration order (containers override to keep their own order). */
  protected _entries(): [string, unknown][] {
    const out: [string, unknown][] = [];
    for (const key of Object.keys(this)) out.push([key, (this as unknown as Record<string, unknown>)[key]]);
    return out;
  }
  /** @internal Replaces a member (used by `to()` and containers). */
  protected _setEntry(name: string, value: unknown): void {
    (this as unknown as Record<string, unknown>)[name] = value;
  }
  /** @internal */
  protected _getEntry(name: string): unknown {
    return (this as unknown as Record<string, unknown>)[name];
  }

  private ownParameters(): [string, Parameter][] {
    const buffers = state(this).buffers;
    return this._entries().filter(
      (e): e is [string, Parameter] => e[1] instanceof Parameter && !buffers.includes(e[0]),
    );
  }
  private ownBuffers(): [string, k.Tensor][] {
    const out: [string, k.Tensor][] = [];
    for (const name of state(this).buffers) {
      const v = this._getEntry(name);
      if (v instanceof k.Tensor) out.push([name, v]);
    }
    return out;
  }

  /** Assigns a `Parameter` (or `null`) to field `name`, checking the name like PyTorch. */
  registerParameter(name: string, param: Parameter | null): void {
    this.checkName('parameter', name);
    if (param !== null && !(param instanceof Parameter))
      throw new TypeError(
        `cannot assign '${param === undefined ? 'undefined' : (param as object).constructor?.name}' object to parameter '${name}' (nn.Parameter or null required)`,
      );
    this._setEntry(name, param);
  }

  /** Assigns a submodule (or `null`) to field `name`, checking the name like PyTorch. */
  registerModule(name: string, module: Module | null): void {
    this.checkName('module', name);
    if (module !== null && !(module instanceof Module))
      throw new TypeError(`${String(module)} is not a Module subclass`);
    this._setEntry(name, module);
  }
  /** Alias of `registerModule`. */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /** Registers a tensor saved in the state dict (when persistent) but not trained, like running stats. */
  registerBuffer(name: string, tensor: k.Tensor | null, persistent = true): void {
    this.checkName('buffer', name);
    if (tensor !== null && !(tensor instanceof k.Tensor))
      throw new TypeError(
        `cannot assign '${typeof tensor}' object to buffer '${name}' (Tensor or null required)`,
      );
    const s = state(this);
    if (!s.buffers.includes(name)) s.buffers.push(name);
    if (persistent) s.nonPersistent.delete(name);
    else s.nonPersistent.add(name);
    if (tensor) k.keep(tensor);
    this._setEntry(name, tensor);
  }

  private checkName(kind: string, name: string): void {
    if (typeof name !== 'string') throw new TypeError(`${kind} name should be a string. Got ${typeof name}`);
    if (name.includes('.')) throw new Error(`${kind} name can't contain ".", got: ${name}`);
    if (name === '') throw new Error(`${kind} name can't be empty string ""`);
  }

  /** The direct submodules with their field names, each once. */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [n, v] of this._entries())
      if (v instanceof Module && !seen.has(v)) {
        seen.add(v);
        out.push([n, v]);
      }
    return out;
  }
  /** The direct submodules, each once. */
  children(): Module[] {
    return this.namedChildren().map((e) => e[1]);
  }

  /** Every module in the tree, this one first (named ''), each once. */
  namedModules(prefix = '', memo: Set<Module> = new Set()): [string, Module][] {
    const out: [string, Module][] = [];
    if (memo.has(this)) return out;
    memo.add(this);
    out.push([prefix, this]);
    for (const [n, m] of this._entries()) {
      if (!(m instanceof Module)) continue;
      out.push(...m.namedModules(prefix ? `${prefix}.${n}` : n, memo));
    }
    return out;
  }
  /** Every module in the tree, this one first, each once. */
  modules(): Module[] {
    return this.namedModules().map((e) => e[1]);
  }

  /** Parameters with their dotted names (of this module only when `recurse` is false), each once. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    const mods: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods)
      for (const [n, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([mp ? `${mp}.${n}` : n, p]);
      }
    return out;
  }
  /** Parameters of this module and (when `recurse`) its submodules, each once: what optimizers take. */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map((e) => e[1]);
  }

  /** Buffers with their dotted names (of this module only when `recurse` is false), each once. */
  namedBuffers(prefix = '', recurse = true): [string, k.Tensor][] {
    const seen = new Set<k.Tensor>();
    const out: [string, k.Tensor][] = [];
    const mods: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods)
      for (const [n, b] of m.ownBuffers()) {
        if (seen.has(b)) continue;
        seen.add(b);
        out.push([mp ? `${mp}.${n}` : n, b]);
      }
    return out;
  }
  /** Buffers of this module and (when `recurse`) its submodules, each once. */
  buffers(recurse = true): k.Tensor[] {
    return this.namedBuffers('', recurse).map((e) => e[1]);
  }

  /** The submodule at a dotted path, e.g. `'layers.0'`. */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      const next = mod._getEntry(item);
      if (!(next instanceof Module))
        throw new Error(`${mod.constructor.name} has no attribute \`${item}\` that is an nn.Module`);
      mod = next;
    }
    return mod;
  }

  // ------------------------------------------------------------------ modes and utilities
  /** Sets training mode (`false`: evaluation mode) on this module and every submodule. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError('training mode is expected to be boolean');
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }
  /** Evaluation mode: same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clears the grads of every parameter: set to `null` (the old gradient tensors are disposed)
   * unless `setToNone: false`, which zeroes them in place.
   */
  zeroGrad(opts: ZeroGradOptions = {}): void {
    const setToNone = opts.setToNone ?? true;
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) {
        // released now rather than by the garbage collector (see Optimizer.zeroGrad)
        p.grad.dispose();
        p.grad = null;
      } else {
        const g = p.grad;
        p.grad = g.gradFn ? g.detach() : g;
        k.noGrad(() => p.grad?.zero_());
      }
    }
  }

  /** Sets `requiresGrad` on every parameter (e.g. `false` to freeze a submodule). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Calls `fn` on every submodule (children first) and then on this module. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Moves and/or casts parameters and buffers (only floating-point ones change dtype). Tensors that
   * change are replaced by new `Parameter`s (carrying their grads), so build optimizers after `to()`.
   */
  to(target: ToTarget): this {
    const t =
      typeof target === 'string'
        ? DTYPES.has(target)
          ? { dtype: target as k.DType }
          : { device: target }
        : target;
    const convert = (x: k.Tensor): k.Tensor => {
      let y = x;
      if (t.device && y.device !== t.device) y = y.to(t.device);
      if (t.dtype && k.isFloatingPoint(y.dtype) && y.dtype !== t.dtype) y = y.to(t.dtype);
      return y;
    };
    k.noGrad(() => {
      for (const m of this.modules()) {
        for (const [n, p] of m.ownParameters()) {
          const data = convert(p.detach());
          if (data.storage === p.storage) continue;
          const np = new Parameter(data, p.requiresGrad);
          if (p.grad) np.grad = convert(p.grad);
          // Shared parameters stay shared: replace every occurrence in this tree.
          for (const mm of this.modules())
            for (const [nn, pp] of mm.ownParameters())
              if (pp === p && (mm !== m || nn !== n)) mm._setEntry(nn, np);
          m._setEntry(n, np);
        }
        for (const [n, b] of m.ownBuffers()) {
          const nb = convert(b);
          if (nb !== b) m._setEntry(n, k.keep(nb));
        }
      }
    });
    return this;
  }
  /** Casts floating-point parameters and buffers to `float32`. */
  float(): this {
    return this.to('float32');
  }
  /** Casts floating-point parameters and buffers to `float64`. */
  double(): this {
    return this.to('float64');
  }
  /** Moves parameters and buffers to the CPU device. */
  cpu(): this {
    return this.to('cpu');
  }

  // ------------------------------------------------------------------ hooks
  /** Registers a hook run before every `call`; see {@link ForwardPreHook}. */
  registerForwardPreHook(hook: ForwardPreHook<this>): RemovableHandle {
    const list = state(this).preHooks;
    list.push(hook as ForwardPreHook);
    return { remove: () => removeFrom(list, hook as ForwardPreHook) };
  }
  /** Registers a hook run after every `call`; see {@link ForwardHook}. */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    const list = state(this).hooks;
    list.push(hook as ForwardHook);
    return { remove: () => removeFrom(list, hook as ForwardHook) };
  }

  // ------------------------------------------------------------------ state dict
  /**
   * Parameters and persistent buffers by dotted name (`fc1.weight`, `bn.running_mean`), each
   * module's own parameters then buffers then its children, like PyTorch. Values are detached
   * tensors sharing storage with the module's.
   */
  stateDict(opts: StateDictOptions = {}): StateDict {
    const out: StateDict = {};
    this.saveToStateDict(out, opts.prefix ?? '', opts.keepVars ?? false, new Set());
    return out;
  }
  private saveToStateDict(out: StateDict, prefix: string, keepVars: boolean, memo: Set<Module>): void {
    if (memo.has(this)) return;
    memo.add(this);
    const s = state(this);
    for (const [n, p] of this.ownParameters()) out[prefix + n] = keepVars ? p : p.detach();
    for (const [n, b] of this.ownBuffers())
      if (!s.nonPersistent.has(n)) out[prefix + n] = keepVars ? b : b.detach();
    for (const [n, m] of this._entries())
      if (m instanceof Module) m.saveToStateDict(out, `${prefix}${n}.`, keepVars, memo);
  }

  /**
   * Copies values from `stateDict` into the parameters and buffers in place. With `strict` (the
   * default) missing and unexpected keys are errors; shape mismatches always are.
   */
  loadStateDict(
    stateDict: StateDict | Map<string, k.Tensor>,
    opts: LoadStateDictOptions = {},
  ): IncompatibleKeys {
    const strict = opts.strict ?? true;
    const sd = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const own = this.stateDict({ keepVars: true });
    const missingKeys: string[] = [];
    const errors: string[] = [];
    const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;
    k.noGrad(() => {
      for (const [key, target] of Object.entries(own)) {
        const src = sd.get(key);
        if (src === undefined) {
          missingKeys.push(key);
          continue;
        }
        if (!(src instanceof k.Tensor)) {
          errors.push(
            `While copying the parameter named "${key}", expected Tensor from checkpoint but received ${typeof src}`,
          );
          continue;
        }
        if (src.shape.join(',') !== target.shape.join(',')) {
          errors.push(
            `size mismatch for ${key}: copying a param with shape ${fmt(src.shape)} from checkpoint, the shape in current model is ${fmt(target.shape)}.`,
          );
          continue;
        }
        target.copy_(src);
      }
    });
    const unexpectedKeys = [...sd.keys()].filter((key) => !(key in own));
    if (strict) {
      const q = (ks: string[]) => ks.map((x) => `"${x}"`).join(', ');
      if (unexpectedKeys.length) errors.unshift(`Unexpected key(s) in state_dict: ${q(unexpectedKeys)}. `);
      if (missingKeys.length) errors.unshift(`Missing key(s) in state_dict: ${q(missingKeys)}. `);
    }
    if (errors.length)
      throw new Error(
        `Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`,
      );
    return { missingKeys, unexpectedKeys };
  }

  // ------------------------------------------------------------------ printing
  /** The layer's settings shown by `toString()`, e.g. `in_features=4, out_features=2, bias=True`. */
  extraRepr(): string {
    return '';
  }
  /** @internal The lines of the child list, `(name): repr` (ModuleList collapses repeats). */
  protected childLines(): string[] {
    return this.namedChildren().map(([n, m]) => `(${n}): ${addIndent(m.toString(), 2)}`);
  }
  /** A tree like PyTorch's `print(model)`. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const lines = [...extraLines, ...this.childLines()];
    let s = `${this.constructor.name}(`;
    if (lines.length) {
      if (extraLines.length === 1 && lines.length === 1) s += extra;
      else s += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${s})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

Module.prototype.call = function call(this: Module, ...args: unknown[]): unknown {
  const s = state(this);
  let a: unknown[] = args;
  for (const h of s.preHooks.slice()) {
    const r = h(this, a);
    if (r !== undefined) a = Array.isArray(r) ? r : [r];
  }
  let out = (this.forward as (...x: unknown[]) => unknown)(...a);
  for (const h of s.hooks.slice()) {
    const r = h(this, a, out);
    if (r !== undefined) out = r;
  }
  return out;
} as never;

function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/**
 * An independent copy of a module tree (PyTorch's `copy.deepcopy(module)`): parameters and buffers
 * are cloned, shared submodules/parameters stay shared within the copy, functions and generators
 * are shared with the original.
 */
export function deepCopy<T extends Module>(module: T): T {
  return copyValue(module, new Map()) as T;
}

function copyValue(v: unknown, memo: Map<unknown, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (memo.has(v)) return memo.get(v);
  if (v instanceof Parameter) {
    const p = new Parameter(
      k.noGrad(() => v.detach().clone()),
      v.requiresGrad,
    );
    memo.set(v, p);
    return p;
  }
  if (v instanceof k.Tensor) {
    const t = k.keep(k.noGrad(() => v.detach().clone()));
    memo.set(v, t);
    return t;
  }
  if (Array.isArray(v)) {
    const a: unknown[] = [];
    memo.set(v, a);
    for (const x of v) a.push(copyValue(x, memo));
    return a;
  }
  if (v instanceof Map) {
    const m = new Map();
    memo.set(v, m);
    for (const [key, x] of v) m.set(key, copyValue(x, memo));
    return m;
  }
  const proto = Object.getPrototypeOf(v);
  if (v instanceof Module || proto === Object.prototype) {
    const c = Object.create(proto) as Record<string, unknown>;
    memo.set(v, c);
    for (const key of Object.keys(v)) c[key] = copyValue((v as Record<string, unknown>)[key], memo);
    if (v instanceof Module) {
      const s = state(v);
      internals.set(c as unknown as Module, {
        buffers: s.buffers.slice(),
        nonPersistent: new Set(s.nonPersistent),
        preHooks: s.preHooks.slice(),
        hooks: s.hooks.slice(),
      });
    }
    return c;
  }
  // Other objects (generators, options records of classes) are shared.
  return v;
}
