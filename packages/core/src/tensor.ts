import { isGradEnabled } from './autograd/mode.js';
import { AccumulateGrad, type GradNode, type TensorHook } from './autograd/node.js';
import { bytesPerElement, type DType, type TypedArray } from './dtype.js';
import { formatTensor } from './format.js';
import { type Storage, setTensorCheck, trackTensorAlive, untrackTensor } from './memory.js';
import {
  contiguousStrides,
  formatShape,
  isContiguousLayout,
  normalizeDim,
  numelOf,
  type Shape,
} from './shape.js';

/** Options of tensor creation: dtype, device and `requiresGrad`. */
export interface TensorOptions {
  dtype?: DType;
  device?: string;
  requiresGrad?: boolean;
}

/** A value or arbitrarily nested arrays of it, as accepted by `k.tensor` and returned by `tolist()`. */
export type NestedArray<T> = T | NestedArray<T>[];
/** A JS value a 0-d tensor element converts to or from. */
export type Scalar = number | boolean;

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * A strided view of a storage, with autograd metadata. Tensors are made by ops and creation
 * functions (`k.tensor`, `k.zeros`, ...), never with `new` by users.
 * Most methods (`add`, `sum`, `view`, ...) are installed by the op modules in `./ops`.
 */
export class Tensor {
  /** @internal */ _storage: Storage | null;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** @internal */ readonly _strides: readonly number[];
  /** @internal */ readonly _offset: number;
  /** The tensor this one is a view of (PyTorch's `_base`), or null. */
  readonly base: Tensor | null;
  grad: Tensor | null = null;
  /** The backward node that produced this tensor, or null for leaves. */
  gradFn: GradNode | null = null;
  /** Which output of `gradFn` this tensor is. */
  outputNr = 0;
  /** When true, no enclosing `tidy` disposes this tensor. */
  isKept = false;
  /** @internal */ leafHooks?: TensorHook[];
  private _requiresGrad = false;
  private _accumulator: AccumulateGrad | null = null;
  /** For tensors saved for backward: the leaf whose gradient this alias stands for. */
  private _leafOf: Tensor | null = null;
  /**
   * @internal For views taken while grad mode was on: the root base's `gradFn` at that time (the
   * history this view's own gradFn chains into); undefined otherwise. See `_checkViewFresh`.
   */
  _viewOfGradFn?: GradNode | null;

  /** @internal */
  constructor(
    storage: Storage,
    shape: readonly number[],
    strides: readonly number[],
    offset: number,
    base: Tensor | null,
    track = true,
  ) {
    this._storage = storage;
    this.shape = shape;
    this.dtype = storage.dtype;
    this._strides = strides;
    this._offset = offset;
    this.base = base;
    trackTensorAlive(this, storage, track);
  }

  /** @internal The live storage; throws if the tensor was disposed. */
  get storage(): Storage {
    const s = this._storage;
    if (s === null)
      throw new Error(
        `Tensor ${formatShape(this.shape)} of dtype ${this.dtype} was disposed and can no longer be used`,
      );
    return s;
  }

  get device(): string {
    return this.storage.device;
  }
  get ndim(): number {
    return this.shape.length;
  }
  dim(): number {
    return this.shape.length;
  }
  numel(): number {
    return numelOf(this.shape);
  }
  /** `size()` is the shape; `size(d)` one dim (negative dims allowed). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return this.shape.slice();
    return this.shape[normalizeDim('size', dim, this.ndim)];
  }
  get strides(): readonly number[] {
    return this._strides;
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number | number[] {
    if (dim === undefined) return this._strides.slice();
    return this._strides[normalizeDim('stride', dim, this.ndim)];
  }
  storageOffset(): number {
    return this._offset;
  }
  isContiguous(): boolean {
    return isContiguousLayout(this.shape, this._strides);
  }
  get isView(): boolean {
    return this.base !== null;
  }
  /** The version counter shared by all views of one storage; bumped by in-place ops. */
  get version(): number {
    return this.storage.version;
  }
  get isDisposed(): boolean {
    return this._storage === null;
  }
  elementSize(): number {
    return bytesPerElement(this.dtype);
  }

  // ---------------------------------------------------------------- autograd
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(flag: boolean) {
    if (this.gradFn !== null && !flag)
      throw new Error(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use varNoGrad = var.detach().",
      );
    if (flag && this.dtype !== 'float32' && this.dtype !== 'float64')
      throw new Error(`only Tensors of floating point dtype can require gradients (got ${this.dtype})`);
    this._requiresGrad = flag;
  }
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** @internal Sets the node that produced this tensor (done by the op layer). */
  _setGradFn(node: GradNode, outputNr: number): void {
    this.gradFn = node;
    this.outputNr = outputNr;
    this._requiresGrad = true;
  }
  /** @internal The leaf accumulator node (shared by this leaf's saved aliases). */
  gradAccumulator(): AccumulateGrad {
    if (this._leafOf) return this._leafOf.gradAccumulator();
    if (!this._accumulator) this._accumulator = new AccumulateGrad(this);
    return this._accumulator;
  }
  /** Makes a non-leaf tensor keep its `.grad` after backward. */
  retainGrad(): void {
    if (!this.requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    if (this.gradFn === null) return;
    if (!this.gradFn.retained) this.gradFn.retained = new Map();
    this.gradFn.retained.set(this.outputNr, this);
  }
  get retainsGrad(): boolean {
    return this.gradFn?.retained?.get(this.outputNr) === this;
  }
  /**
   * Registers a hook called with this tensor's gradient during backward; returning a tensor replaces
   * the gradient. Returns a handle whose `remove()` unregisters it.
   */
  registerHook(hook: TensorHook): { remove(): void } {
    if (!this.requiresGrad)
      throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    let list: TensorHook[];
    if (this.gradFn) {
      this.gradFn.addTensorHook(this.outputNr, hook);
      list = this.gradFn.tensorHooks!.get(this.outputNr)!;
    } else {
      const leaf = this._leafOf ?? this;
      list = leaf.leafHooks ??= [];
      list.push(hook);
    }
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
      },
    };
  }

  /** @internal A view of the same storage carrying the same autograd identity, for saving in backward nodes. */
  _aliasForSave(): Tensor {
    const a = new Tensor(this.storage, this.shape, this._strides, this._offset, this.base, false);
    a._requiresGrad = this._requiresGrad;
    a.gradFn = this.gradFn;
    a.outputNr = this.outputNr;
    if (this._requiresGrad && this.gradFn === null) a._leafOf = this._leafOf ?? this;
    a.isKept = true;
    return a;
  }
  /** @internal A new tensor object over the same storage and geometry (no autograd history). */
  _withGeometry(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    const out = new Tensor(this.storage, shape, strides, offset, this.base ?? this);
    if (isGradEnabled()) out._viewOfGradFn = this.base ? this._viewOfGradFn : this.gradFn;
    return out;
  }
  /**
   * @internal Throws when this view is used after an in-place op (recorded by autograd) replaced its
   * base's history: its own gradFn still chains into the old history, so its gradient would be
   * silently wrong. PyTorch regenerates the view's grad_fn instead (a deviation, like in-place ops on
   * views).
   */
  _checkViewFresh(): void {
    const b = this.base;
    if (b === null || this._viewOfGradFn === undefined || b.gradFn === this._viewOfGradFn) return;
    throw new Error(
      `A view of shape ${formatShape(this.shape)} was taken before an in-place operation changed its base's autograd history (base now has grad_fn=<${b.gradFn?.name ?? 'None'}>), so it cannot be used in an operation that records gradients: its gradient would be wrong. PyTorch regenerates the view's grad_fn; Kindling does not (a deviation). Take the view again after the in-place operation.`,
    );
  }
  /** A tensor sharing storage with this one, cut from the graph (PyTorch's `detach()`). */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this._strides, this._offset, this.base);
  }
  /** Detaches this tensor from the graph in place, making it a leaf. */
  detach_(): this {
    if (this.isView && isGradEnabled() && this.gradFn)
      throw new Error("Can't detach views in-place. Use detach() instead.");
    this.gradFn = null;
    this.outputNr = 0;
    this._requiresGrad = false;
    return this;
  }

  // ---------------------------------------------------------------- reading values
  /** True when `dataSync()`/`item()`/`tolist()` can run on this tensor's device. */
  canReadSync(): boolean {
    return typeof this.storage.backend.readSync === 'function';
  }
  private syncReadError(method: string, asyncMethod: string): Error {
    return new Error(
      `${method}: the '${this.device}' backend cannot read synchronously; use 'await tensor.${asyncMethod}' instead`,
    );
  }
  /** @internal This tensor's elements in logical (row-major) order, as a compact tensor. */
  private compactView(): Tensor {
    const s = this.storage;
    if (this._offset === 0 && this.isContiguous() && s.numel === this.numel()) return this;
    return (this as unknown as { contiguousCopy(): Tensor }).contiguousCopy();
  }
  /** A copy of the elements in row-major order (cpu/wasm only; `await data()` everywhere). */
  dataSync(): TypedArray {
    if (!this.canReadSync()) throw this.syncReadError('dataSync()', 'data()');
    const src = this.compactView();
    try {
      return src.storage.backend.readSync!(src.storage.handle, src.dtype, src.storage.numel);
    } finally {
      if (src !== this) src.dispose();
    }
  }
  /** The elements in row-major order, on every device. */
  async data(): Promise<TypedArray> {
    const src = this.compactView();
    try {
      return await src.storage.backend.read(src.storage.handle, src.dtype, src.storage.numel);
    } finally {
      if (src !== this) src.dispose();
    }
  }
  private checkOneElement(method: string): void {
    if (this.numel() !== 1)
      throw new Error(`${method}: a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
  }
  /**
   * The value of a one-element tensor as a JS number (bool tensors give 1 or 0, a deviation from
   * PyTorch's True/False chosen so `loss.item()` is typed `number`).
   */
  item(): number {
    this.checkOneElement('item()');
    if (!this.canReadSync()) throw this.syncReadError('item()', 'itemAsync()');
    return this.dataSync()[0];
  }
  async itemAsync(): Promise<number> {
    this.checkOneElement('itemAsync()');
    return (await this.data())[0];
  }
  /** Nested JS arrays (numbers, or booleans for bool tensors); a scalar for 0-d tensors. */
  tolist(): NestedArray<number | boolean> {
    if (!this.canReadSync()) throw this.syncReadError('tolist()', 'tolistAsync()');
    return this.nest(this.dataSync());
  }
  async tolistAsync(): Promise<NestedArray<number | boolean>> {
    return this.nest(await this.data());
  }
  private nest(d: TypedArray): NestedArray<number | boolean> {
    const conv = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    if (this.ndim === 0) return conv(d[0]);
    const build = (dim: number, off: number): NestedArray<number | boolean> => {
      const n = this.shape[dim];
      const out: NestedArray<number | boolean>[] = new Array(n);
      const step = numelOf(this.shape.slice(dim + 1));
      for (let i = 0; i < n; i++)
        out[i] = dim === this.ndim - 1 ? conv(d[off + i]) : build(dim + 1, off + i * step);
      return out;
    };
    return build(0, 0);
  }
  toString(): string {
    if (this.isDisposed) return `tensor(<disposed>, shape=${formatShape(this.shape)}, dtype=${this.dtype})`;
    if (!this.canReadSync())
      return `tensor(<on ${this.device}: use await t.data()>, shape=${formatShape(this.shape)}, dtype=${this.dtype})`;
    return formatTensor(this.dataSync(), this.shape, this.dtype, {
      device: this.device,
      gradFn: this.gradFn?.name,
      requiresGrad: this.requiresGrad,
    });
  }
  [inspectSymbol](): string {
    return this.toString();
  }

  // ---------------------------------------------------------------- memory
  /** Releases this tensor's hold on its storage now (storage is freed when no view holds it). */
  dispose(): void {
    const s = this._storage;
    if (s === null) return;
    this._storage = null;
    untrackTensor(s);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
}

setTensorCheck((v): v is Tensor => v instanceof Tensor);

/** @internal Wraps freshly allocated storage as a contiguous tensor. */
export function tensorFromStorage(storage: Storage, shape: Shape): Tensor {
  return new Tensor(storage, shape.slice(), contiguousStrides(shape), 0, null);
}

/** Whether `v` is a Kindling `Tensor`. */
export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}
