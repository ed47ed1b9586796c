/**
 * A minimal ONNX model writer (protobuf wire format by hand) for single-node graphs, so that
 * onnxruntime-node can run matmul/conv/add/exp without shipping model files.
 * Field numbers are from onnx.proto (IR version 8, opset 13).
 */

class Writer {
  private parts: number[] = [];
  varint(v: number): this {
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n;
    do {
      let byte = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) byte |= 0x80;
      this.parts.push(byte);
    } while (n > 0n);
    return this;
  }
  key(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, v: number): this {
    return this.key(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  msg(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const FLOAT = 1;

export interface OnnxValue {
  name: string;
  shape: number[];
}

export interface OnnxInitializer extends OnnxValue {
  data: Float32Array;
}

export type OnnxAttr = { name: string; ints: number[] } | { name: string; int: number };

function valueInfo(v: OnnxValue): Writer {
  const shape = new Writer();
  for (const d of v.shape) shape.msg(1, new Writer().int(1, d));
  const tensorType = new Writer().int(1, FLOAT).msg(2, shape);
  return new Writer().str(1, v.name).msg(2, new Writer().msg(1, tensorType));
}

/** One node `opType(inputs..., initializers...) -> output` wrapped in a model. */
export function singleNodeModel(opts: {
  opType: string;
  inputs: OnnxValue[];
  initializers?: OnnxInitializer[];
  output: OnnxValue;
  attrs?: OnnxAttr[];
}): Uint8Array {
  const node = new Writer();
  for (const i of opts.inputs) node.str(1, i.name);
  for (const i of opts.initializers ?? []) node.str(1, i.name);
  node.str(2, opts.output.name).str(3, 'n0').str(4, opts.opType);
  for (const a of opts.attrs ?? []) {
    const attr = new Writer().str(1, a.name);
    if ('ints' in a) {
      for (const v of a.ints) attr.int(8, v);
      attr.int(20, 7); // INTS
    } else {
      attr.int(3, a.int).int(20, 2); // INT
    }
    node.msg(5, attr);
  }
  const graph = new Writer().msg(1, node).str(2, 'bench');
  for (const init of opts.initializers ?? []) {
    const t = new Writer();
    for (const d of init.shape) t.int(1, d);
    t.int(2, FLOAT).str(8, init.name);
    t.bytes(9, new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength));
    graph.msg(5, t);
  }
  for (const i of opts.inputs) graph.msg(11, valueInfo(i));
  graph.msg(12, valueInfo(opts.output));
  return new Writer()
    .int(1, 8)
    .str(2, '@kindling/bench')
    .msg(7, graph)
    .msg(8, new Writer().str(1, '').int(2, 13))
    .finish();
}
