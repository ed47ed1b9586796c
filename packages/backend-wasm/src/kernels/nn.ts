/**
 * softmax / logSoftmax (assembly/nn.ts: SIMD max, vectorised exp and scaling along contiguous
 * lines), im2col / col2im (convolution as im2col + GEMM in core) and max_pool2d.
 */
import { bytesPerElement, type KernelArgs, registerKernel, type WindowGeometry } from '@kindling/core';
import { DT, type WasmHandle, wasmBackend } from '../backend.js';
import { numel } from '../strided.js';

type Args = KernelArgs<WasmHandle>;

function softmaxKernel(log: boolean) {
  return ({ inputs: [x], outputs: [out], attrs }: Args): void => {
    const dim = attrs.dim as number;
    if (numel(x.shape) === 0) return;
    const bpe = bytesPerElement(x.dtype);
    const kshape: number[] = [];
    const kin: number[] = [];
    const kout: number[] = [];
    let lines = 1;
    x.shape.forEach((s, i) => {
      if (i === dim || s === 1) return;
      kshape.push(s);
      kin.push(x.strides[i] * bpe);
      kout.push(out.strides[i] * bpe);
      lines *= s;
    });
    const b = wasmBackend;
    const scalar = x.shape.length === 0;
    const desc = b.writeDesc([
      kshape.length,
      ...kshape,
      ...kin,
      ...kout,
      scalar ? 1 : x.shape[dim],
      scalar ? 0 : x.strides[dim] * bpe,
      scalar ? 0 : out.strides[dim] * bpe,
    ]);
    const inBase = x.data + x.offset * bpe;
    const outBase = out.data + out.offset * bpe;
    const grain = Math.max(1, Math.ceil((1 << 14) / (scalar ? 1 : x.shape[dim])));
    b.parallel('softmax', lines, grain, (_t, s, e) => [
      log ? 1 : 0,
      DT[x.dtype],
      desc,
      inBase,
      outBase,
      s,
      e,
    ]);
  };
}

registerKernel('softmax', 'wasm', softmaxKernel(false));
registerKernel('logSoftmax', 'wasm', softmaxKernel(true));

type Geom = WindowGeometry;

/** Writes the geometry block read by assembly/nn.ts; `strides`: 4 element strides of the operand. */
function geometry(n: number, c: number, h: number, w: number, g: Geom, strides: readonly number[]): number {
  return wasmBackend.writeDesc([
    n,
    c,
    h,
    w,
    g.kh,
    g.kw,
    g.sh,
    g.sw,
    g.ph,
    g.pw,
    g.dh,
    g.dw,
    g.oh,
    g.ow,
    ...strides,
  ]);
}

registerKernel('im2col', 'wasm', ({ inputs: [x], outputs: [out], attrs }: Args) => {
  const g = attrs as Geom;
  const [n, c, h, w] = x.shape;
  if (n * c === 0 || numel(out.shape) === 0) return;
  const b = wasmBackend;
  const desc = geometry(n, c, h, w, g, x.strides);
  const bpe = bytesPerElement(x.dtype);
  const xBase = x.data + x.offset * bpe;
  const pad = (attrs.padValue as number) ?? 0;
  const per = g.kh * g.kw * g.oh * g.ow;
  b.parallel('im2col', n * c, Math.max(1, Math.ceil((1 << 15) / per)), (_t, s, e) => [
    DT[x.dtype],
    desc,
    xBase,
    out.data,
    pad,
    s,
    e,
  ]);
});

// Optional fused float32 conv2d (groups 1; see the kernel contract in docs/architecture.md): each
// work item packs one image's im2col panel for CONV_NC output positions in its thread's GEMM
// workspace and multiplies it there, so no im2col buffer is written to or read back from memory.
registerKernel(
  'conv2d',
  'wasm',
  ({ inputs: [x, w, bias], outputs: [out], attrs }: Args) => {
    const g = attrs as Geom;
    const [n, c, h, wd] = x.shape;
    const o = w.shape[0];
    const l = g.oh * g.ow;
    if (n === 0 || o === 0 || l === 0) return;
    const b = wasmBackend;
    // No input channels: no products to store, so the output starts from zeros (plus the bias).
    if (c === 0) b.exports.zero(out.data, n * o * l * 4);
    const desc = geometry(n, c, h, wd, g, x.strides);
    const convNc = b.constant('CONV_NC');
    const items = n * Math.ceil(l / convNc);
    const macsPerItem = o * w.shape[1] * Math.min(l, convNc);
    b.parallel(
      'conv2dF32',
      items,
      Math.max(1, Math.ceil((1 << 20) / Math.max(1, macsPerItem))),
      (t, s, e) => [
        desc,
        x.data + x.offset * 4,
        w.data + w.offset * 4,
        w.strides[0],
        w.strides[1],
        bias ? bias.data + bias.offset * 4 : 0,
        bias ? bias.strides[0] : 0,
        out.data,
        o,
        s,
        e,
        b.gemmWorkspace(t),
      ],
    );
  },
  { writesAllOutputs: true },
);

registerKernel('col2im', 'wasm', ({ inputs: [cols], outputs: [out], attrs }: Args) => {
  const g = attrs as Geom & { h: number; w: number };
  const [n, c, h, w] = out.shape;
  if (n * c === 0 || numel(cols.shape) === 0) return;
  const b = wasmBackend;
  const desc = geometry(n, c, h, w, g, [cols.strides[0], cols.strides[1], cols.strides[2], 0]);
  const bpe = bytesPerElement(cols.dtype);
  const cBase = cols.data + cols.offset * bpe;
  const per = g.kh * g.kw * g.oh * g.ow;
  b.parallel('col2im', n * c, Math.max(1, Math.ceil((1 << 15) / per)), (_t, s, e) => [
    DT[cols.dtype],
    desc,
    cBase,
    out.data,
    s,
    e,
  ]);
});

registerKernel('max_pool2d', 'wasm', ({ inputs: [x], outputs: [vals, idx], attrs }: Args) => {
  const g = attrs as Geom;
  const [n, c, h, w] = x.shape;
  if (n * c === 0 || numel(vals.shape) === 0) return;
  const b = wasmBackend;
  const desc = geometry(n, c, h, w, g, x.strides);
  const bpe = bytesPerElement(x.dtype);
  const xBase = x.data + x.offset * bpe;
  const per = g.kh * g.kw * g.oh * g.ow;
  b.parallel('maxPool2d', n * c, Math.max(1, Math.ceil((1 << 15) / per)), (_t, s, e) => [
    DT[x.dtype],
    desc,
    xBase,
    vals.data,
    idx.data,
    s,
    e,
  ]);
});

registerKernel('max_pool2d_backward', 'wasm', ({ inputs: [g, idx], outputs: [out] }: Args) => {
  const [n, c, oh, ow] = g.shape;
  if (n * c === 0 || oh * ow === 0) return;
  const b = wasmBackend;
  const bpe = bytesPerElement(g.dtype);
  const desc = b.writeDesc([n, c, oh, ow, ...g.strides, ...idx.strides, out.shape[2] * out.shape[3]]);
  const gBase = g.data + g.offset * bpe;
  const iBase = idx.data + idx.offset * 4;
  b.parallel('maxPool2dBackward', n * c, Math.max(1, Math.ceil((1 << 14) / (oh * ow))), (_t, s, e) => [
    DT[g.dtype],
    desc,
    gBase,
    iBase,
    out.data,
    s,
    e,
  ]);
});
