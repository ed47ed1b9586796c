/**
 * PyTorch's torch.optim.Optimizer: parameter groups with per-group options, per-parameter state,
 * `zeroGrad`, `step(closure?)`, `stateDict()` / `loadStateDict()` in PyTorch's layout.
 */
import * as k from '@kindling/core';

type Tensor = k.Tensor;

/** Options every optimizer has. */
export interface OptimizerOptions {
  /** Learning rate (each optimizer has its own default, as in PyTorch). */
  lr: number;
}

/**
 * A parameter group: the optimizer's options (each may be overridden per group) and its params.
 * Schedulers add keys of their own (`initialLr`, `maxLr`, ...), as PyTorch's do.
 */
export type ParamGroup<O extends OptimizerOptions = OptimizerOptions> = O & {
  params: Tensor[];
  [key: string]: unknown;
};

/** What the constructor and `addParamGroup` accept for one group: params plus option overrides. */
export type ParamGroupInput<O extends OptimizerOptions = OptimizerOptions> = Partial<O> & {
  params: Iterable<Tensor> | Tensor;
  [key: string]: unknown;
};

/** Parameters (e.g. `model.parameters()`) or a list of parameter groups. */
export type ParamsInput<O extends OptimizerOptions = OptimizerOptions> =
  | Iterable<Tensor>
  | Iterable<ParamGroupInput<O>>;

/** Per-parameter state: tensors (moment buffers) and numbers (the step count). */
export type ParamState = Record<string, Tensor | number>;

/** PyTorch's optimizer state dict: state by parameter index, and groups listing parameter indices. */
export interface OptimizerStateDict {
  /** Per-parameter state, keyed by parameter index across groups. */
  state: Record<number, ParamState>;
  /** Each group's options, with `params` as parameter indices. */
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** Re-evaluates the model and returns the loss, for `Optimizer.step(closure)`. */
export type Closure = () => Tensor | number;

/** Options of `Optimizer.zeroGrad`. */
export interface OptimizerZeroGradOptions {
  /** Set gradients to null instead of zeroing them (default true, like PyTorch 2). */
  setToNone?: boolean;
}

function isPlainGroup(v: unknown): v is ParamGroupInput {
  return v !== null && typeof v === 'object' && !k.isTensor(v) && 'params' in (v as object);
}

function cloneValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneValue);
  return v;
}

/**
 * Base class of the optimizers (PyTorch's `torch.optim.Optimizer`): parameter groups with per-group
 * options, per-parameter state, `step`, `zeroGrad` and PyTorch-layout state dicts.
 */
export abstract class Optimizer<O extends OptimizerOptions = OptimizerOptions> {
  /** The options a new parameter group starts from. */
  readonly defaults: O;
  /** The parameter groups; schedulers and user code change options such as `lr` here. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (PyTorch's `optimizer.state[p]`). */
  state: Map<Tensor, ParamState> = new Map();

  constructor(params: ParamsInput<O>, defaults: O) {
    this.defaults = defaults;
    if (k.isTensor(params))
      throw new TypeError(
        'params argument given to the optimizer should be an iterable of Tensors or objects, but got a Tensor',
      );
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups: ParamGroupInput<O>[] = isPlainGroup(list[0])
      ? (list as ParamGroupInput<O>[])
      : [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>];
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group of parameters (e.g. layers unfrozen during fine-tuning), with option overrides. */
  addParamGroup(group: ParamGroupInput<O>): void {
    if (!isPlainGroup(group)) throw new TypeError('param group must be an object with a params key');
    const raw = group.params;
    const params: Tensor[] = k.isTensor(raw) ? [raw] : [...(raw as Iterable<Tensor>)];
    for (const p of params) {
      if (!k.isTensor(p))
        throw new TypeError(
          `optimizer can only optimize Tensors, but one of the params is ${p === null ? 'null' : typeof p}`,
        );
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
    }
    const out: Record<string, unknown> = { ...group, params };
    for (const [name, v] of Object.entries(this.defaults)) {
      if (out[name] === undefined) out[name] = cloneValue(v);
    }
    if (new Set(params).size !== params.length)
      console.warn(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error',
      );
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    for (const p of params)
      if (seen.has(p)) throw new Error('some parameters appear in more than one parameter group');
    this.validateGroup(out as ParamGroup<O>);
    this.paramGroups.push(out as ParamGroup<O>);
    this.initGroup(out as ParamGroup<O>);
  }

  /** Checks a group's option values (throws PyTorch's messages). */
  protected validateGroup(_group: ParamGroup<O>): void {}
  /** Creates state eagerly for a new group (Adagrad does, like PyTorch). */
  protected initGroup(_group: ParamGroup<O>): void {}
  /** Applies one update to every parameter of the group; runs under noGrad inside a tidy scope. */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /** The state object of `p`, created empty on first use. */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = {}));
    return s;
  }

  /**
   * Performs one optimization step. `closure` (which re-evaluates the model and returns the loss)
   * runs with gradients enabled first; its result is returned.
   */
  step(closure?: Closure): Tensor | number | undefined {
    let loss: Tensor | number | undefined;
    if (closure) loss = k.enableGrad(closure);
    k.tidy(() =>
      k.noGrad(() => {
        for (const g of this.paramGroups) this.updateGroup(g);
      }),
    );
    return loss;
  }

  /**
   * Resets the gradients of all optimized parameters: to null by default, disposing the old
   * gradient tensors (read or clone a `.grad` you need before calling this), else zeroed in place.
   */
  zeroGrad(opts: OptimizerZeroGradOptions = {}): void {
    const setToNone = opts.setToNone ?? true;
    for (const g of this.paramGroups)
      for (const p of g.params) {
        const grad = p.grad;
        if (grad === null) continue;
        if (setToNone) {
          // JS has no refcounts: release the old gradient now (PyTorch frees it when its last
          // reference goes) instead of leaving it to the garbage collector, which on wasm meant a
          // fresh block of linear memory (page faults) every step. See the README's deviations.
          grad.dispose();
          p.grad = null;
          continue;
        }
        if (grad.gradFn) grad.detach_();
        else if (grad.requiresGrad) grad.requiresGrad_(false);
        k.noGrad(() => grad.zero_());
      }
  }

  /**
   * The optimizer state as `{ state, paramGroups }`: state keyed by parameter index (counting across
   * groups in order) and each group's options with `params` as index lists, like PyTorch. State
   * tensors are returned by reference (as PyTorch does); `loadStateDict` copies.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(g)) if (key !== 'params') packed[key] = cloneValue(v);
      packed.params = g.params.map((p) => {
        let i = index.get(p);
        if (i === undefined) index.set(p, (i = next++));
        return i;
      });
      return packed as Record<string, unknown> & { params: number[] };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /**
   * Loads a state dict from `stateDict()` (possibly of another optimizer instance over the same
   * architecture). Floating state tensors are cast to their parameter's dtype and device; the step
   * count is kept as is.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    if (!sd || typeof sd !== 'object' || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object')
      throw new TypeError('loadStateDict: expected an object with state and paramGroups');
    const groups = this.paramGroups;
    const saved = sd.paramGroups;
    if (groups.length !== saved.length)
      throw new Error('loaded state dict has a different number of parameter groups');
    groups.forEach((g, i) => {
      if (!Array.isArray(saved[i].params) || g.params.length !== saved[i].params.length)
        throw new Error(
          "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
        );
    });
    const idToParam = new Map<number, Tensor>();
    groups.forEach((g, gi) => {
      g.params.forEach((p, j) => {
        idToParam.set(saved[gi].params[j], p);
      });
    });
    const state = new Map<Tensor, ParamState>();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = idToParam.get(Number(key));
      if (!p) continue;
      const copy: ParamState = {};
      for (const [name, v] of Object.entries(s)) {
        if (k.isTensor(v)) {
          const target =
            name !== 'step' && k.isFloatingPoint(v.dtype)
              ? { dtype: p.dtype, device: p.device }
              : { device: p.device };
          const moved = k.noGrad(() => v.detach().to(target));
          copy[name] = k.keep(
            moved === v || moved.storage === v.storage ? k.noGrad(() => moved.clone()) : moved,
          );
        } else copy[name] = v;
      }
      state.set(p, copy);
    }
    this.state = state;
    groups.forEach((g, gi) => {
      const { params: _ignored, ...options } = saved[gi];
      for (const [key, v] of Object.entries(options)) (g as Record<string, unknown>)[key] = cloneValue(v);
    });
  }

  /** The groups and their options, like PyTorch's `print(optimizer)`. */
  toString(): string {
    const lines = [`${this.constructor.name} (`];
    this.paramGroups.forEach((g, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const key of Object.keys(g).sort())
        if (key !== 'params') lines.push(`    ${key}: ${formatOption(g[key])}`);
    });
    lines.push(')');
    return lines.join('\n');
  }
}

function formatOption(v: unknown): string {
  if (Array.isArray(v)) return `(${v.map(formatOption).join(', ')})`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  return String(v);
}

/** Throws `Invalid <what>: <value>` unless `ok`, PyTorch's constructor validation. */
export function check(ok: boolean, msg: string): void {
  if (!ok) throw new Error(msg);
}
