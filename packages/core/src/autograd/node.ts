import type { DType } from '../dtype.js';
import { formatShape, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { isAnomalyEnabled } from './mode.js';

/** Where a gradient goes: output `inputNr` of `node` (a tensor's gradFn, or a leaf's accumulator). */
export interface Edge {
  readonly node: GradNode;
  readonly inputNr: number;
}

export interface OutputMeta {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly device: string;
}

/** A gradient hook (`registerHook`): sees the gradient and may return a replacement. */
export type TensorHook = (grad: Tensor) => Tensor | undefined | void;

/** A node of the backward graph. Its outputs' gradients come in; its inputs' gradients go out along `next`. */
export abstract class GradNode {
  /** Filled while anomaly detection is on: the stack of the forward call that made this node. */
  readonly forwardStack?: string;
  /** Hooks registered on the tensors this node produced, by output index. */
  tensorHooks?: Map<number, TensorHook[]>;
  /** Non-leaf tensors that asked for `retainGrad()`, by output index. */
  retained?: Map<number, Tensor>;
  constructor(
    readonly name: string,
    readonly next: readonly (Edge | null)[],
    readonly outputs: readonly OutputMeta[],
  ) {
    if (isAnomalyEnabled())
      this.forwardStack = new Error().stack
        ?.split('\n')
        .slice(1)
        .filter((line) => !/autograd[\\/]node\.|ops[\\/]dispatch\./.test(line))
        .join('\n');
  }
  /** `needs[i]`: whether the gradient for input i is wanted (default: every input with an edge). */
  abstract apply(
    grads: Tensor[],
    keepGraph: boolean,
    needs?: readonly boolean[],
  ): (Tensor | null | undefined)[];
  addTensorHook(outputNr: number, hook: TensorHook): void {
    if (!this.tensorHooks) this.tensorHooks = new Map();
    const list = this.tensorHooks.get(outputNr) ?? [];
    list.push(hook);
    this.tensorHooks.set(outputNr, list);
  }
  toString(): string {
    return `<${this.name}>`;
  }
}

/** A tensor saved for backward, with the version it had when saved (PyTorch's SavedVariable). */
export class SavedTensor {
  readonly version: number;
  constructor(
    readonly tensor: Tensor,
    readonly outputOf: { name: string; nr: number } | null,
  ) {
    this.version = tensor.version;
  }
}

export type BackwardFn = (
  grads: Tensor[],
  saved: Tensor[],
  needsInputGrad: readonly boolean[],
) => (Tensor | null | undefined)[];

export class FunctionNode extends GradNode {
  private saved: SavedTensor[] | null;
  private released = false;
  constructor(
    name: string,
    next: readonly (Edge | null)[],
    outputs: readonly OutputMeta[],
    private readonly backwardFn: BackwardFn,
    saved: SavedTensor[],
  ) {
    super(name, next, outputs);
    this.saved = saved;
  }

  apply(grads: Tensor[], keepGraph: boolean, needs?: readonly boolean[]): (Tensor | null | undefined)[] {
    const saved = this.unpackSaved();
    const out = this.backwardFn(grads, saved, needs ?? this.next.map((e) => e !== null));
    if (!keepGraph) this.release();
    return out;
  }

  private unpackSaved(): Tensor[] {
    if (this.released || !this.saved)
      throw new Error(
        `Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed) at ${this.name}. Saved intermediate values of the graph are freed when you call .backward() or k.grad(). Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.`,
      );
    return this.saved.map((s) => {
      const t = s.tensor;
      if (t.version !== s.version) {
        const what = `[${t.dtype} ${formatShape(t.shape)}]`;
        const origin = s.outputOf ? `, which is output ${s.outputOf.nr} of ${s.outputOf.name},` : '';
        throw new Error(
          `one of the variables needed for gradient computation has been modified by an inplace operation: ${what}${origin} is at version ${t.version}; expected version ${s.version} instead. Hint: enable anomaly detection with k.detectAnomaly(fn) to find the operation that failed to compute its gradient.`,
        );
      }
      return t;
    });
  }

  release(): void {
    if (this.saved) for (const s of this.saved) s.tensor.dispose();
    this.saved = null;
    this.released = true;
  }
}

/** Sink node of a leaf tensor: adds incoming gradients into `variable.grad`. */
export class AccumulateGrad extends GradNode {
  constructor(readonly variable: Tensor) {
    super('AccumulateGrad', [], [{ shape: variable.shape, dtype: variable.dtype, device: variable.device }]);
  }
  apply(): never {
    throw new Error('AccumulateGrad is handled by the engine');
  }
}
