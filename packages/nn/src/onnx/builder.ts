/** The ONNX graph under construction: node, initializer and constant helpers for the op table. */
import type * as k from '@kindling/core';
import {
  decodeArg,
  type EncodedArg,
  forEachRef,
  type Graph,
  type GraphNode,
  type ValueInfo,
} from '../jit/ir.js';

/** ONNX `TensorProto.DataType` per Kindling dtype (plus int64 for shape operands). */
export const ONNX_DTYPE: Record<k.DType | 'int64', number> = {
  float32: 1,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

/** A graph value as an op-table emitter sees it. */
export interface Operand {
  readonly kind: 'operand';
  readonly id: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: k.DType;
}

/** Whether a decoded argument is a graph value. */
export function isOperand(v: unknown): v is Operand {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'operand';
}

/** An ONNX attribute value; numbers are INT when `int: true` is wanted, see `Attr`. */
export type Attr =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: readonly number[] }
  | { floats: readonly number[] };

type PlainNode = Record<string, unknown>;

function attrProto(name: string, a: Attr): PlainNode {
  if ('i' in a) return { name, type: 2, i: a.i };
  if ('f' in a) return { name, type: 1, f: a.f };
  if ('s' in a) return { name, type: 3, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: 7, ints: [...a.ints] };
  return { name, type: 6, floats: [...a.floats] };
}

function rawBytes(data: ArrayLike<number>, dtype: k.DType | 'int64'): Uint8Array {
  const n = data.length;
  switch (dtype) {
    case 'float32':
      return new Uint8Array(Float32Array.from(data).buffer);
    case 'float64':
      return new Uint8Array(Float64Array.from(data).buffer);
    case 'int32':
      return new Uint8Array(Int32Array.from(data).buffer);
    case 'bool':
      return Uint8Array.from(data, (v) => (v ? 1 : 0));
    case 'int64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(Math.trunc(data[i]));
      return new Uint8Array(out.buffer);
    }
  }
}

/** Error for an op (or op argument) the exporter cannot express. */
export function unsupported(op: string, why: string): never {
  throw new Error(`onnx.export: cannot export op '${op}': ${why}`);
}

/** Builds the ONNX GraphProto (as a plain object) from a traced graph. */
export class OnnxBuilder {
  readonly nodes: PlainNode[] = [];
  readonly initializers: PlainNode[] = [];
  private readonly names: string[];
  private counter = 0;
  /** Values whose dim 0 is a dynamic axis (so reshapes keep it with 0). */
  readonly dynamic0 = new Set<number>();

  constructor(
    readonly graph: Graph,
    readonly opset: number,
    names: string[],
  ) {
    this.names = names;
  }

  /** The ONNX name of value `id`. */
  nameOf(id: number): string {
    return this.names[id];
  }
  value(id: number): ValueInfo {
    return this.graph.values[id];
  }
  operand(id: number): Operand {
    const v = this.graph.values[id];
    return { kind: 'operand', id, name: this.names[id], shape: v.shape, dtype: v.dtype };
  }
  /** A fresh intermediate name. */
  fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  /** Adds a node; returns its output names (fresh ones unless `outputs` is given). */
  add(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, Attr> = {},
    outputs: number | readonly string[] = 1,
  ): string[] {
    const outs =
      typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(opType)) : [...outputs];
    this.nodes.push({
      opType,
      input: [...inputs],
      output: outs,
      name: this.fresh(`n_${opType}`),
      attribute: Object.entries(attrs).map(([n, a]) => attrProto(n, a)),
    });
    return outs;
  }
  /** Adds a one-output node. */
  add1(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, output?: string): string {
    return this.add(opType, inputs, attrs, output ? [output] : 1)[0];
  }

  /** A constant initializer of `dtype` with the given shape. */
  constant(
    data: ArrayLike<number>,
    dtype: k.DType | 'int64',
    shape: readonly number[],
    name?: string,
  ): string {
    const n = name ?? this.fresh('const');
    this.initializers.push({
      name: n,
      dims: [...shape],
      dataType: ONNX_DTYPE[dtype],
      rawData: rawBytes(data, dtype),
    });
    return n;
  }
  /** A 1-D int64 constant (shapes, axes, starts...). */
  int64s(values: readonly number[]): string {
    return this.constant(values, 'int64', [values.length]);
  }
  /** A 0-d constant of `dtype`. */
  scalar(value: number | boolean, dtype: k.DType | 'int64'): string {
    return this.constant([Number(value)], dtype, []);
  }
  /** `name` cast to `to` when `from` differs. */
  cast(name: string, from: k.DType, to: k.DType): string {
    if (from === to) return name;
    return this.add1('Cast', [name], { to: { i: ONNX_DTYPE[to] } });
  }
  /** A tensor operand or JS scalar as an ONNX input of dtype `dtype`. */
  input(v: unknown, dtype: k.DType, op: string): string {
    if (isOperand(v)) return this.cast(v.name, v.dtype, dtype);
    if (typeof v === 'number' || typeof v === 'boolean') return this.scalar(v, dtype);
    return unsupported(op, `expected a tensor or a number, got ${v === null ? 'null' : typeof v}`);
  }

  /** The args of a node with graph values as `Operand`s. */
  decodeArgs(n: GraphNode): unknown[] {
    return n.args.map((a) => decodeArg(a, (id) => this.operand(id) as unknown as k.Tensor));
  }
  /** The value ids a node defines, in order. */
  outputIds(out: EncodedArg): number[] {
    const ids: number[] = [];
    forEachRef(out, (id) => ids.push(id));
    return ids;
  }
}
