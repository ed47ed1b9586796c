/**
 * Convolution and pooling helpers as map-template instances (one invocation per output element,
 * so col2im sums its contributions in the cpu backend's order without atomics):
 * - 'im2col': x [N, C, H, W] (strided) → [N, C·kh·kw, oh·ow], padValue outside the image;
 * - 'col2im': cols [N, C·kh·kw, oh·ow] (strided) summed into [N, C, H, W];
 * - 'max_pool2d': values and int32 flat (y·W + x) argmax indices; NaN wins.
 */
import { type KernelArgs, registerKernel, type WindowGeometry } from '@kindling/core';
import type { WebGPUHandle } from '../backend.js';
import { computeType, conv, inOperand, outOperand, runMap, storageType } from '../codegen.js';
import { gpu } from '../device.js';

type Geom = WindowGeometry;

type Args = KernelArgs<WebGPUHandle, Geom>;

const geomExtra = (g: Geom) => [g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow];
/** WGSL lets for the geometry at X0..X9. */
const GEOM = ['kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw', 'oh', 'ow']
  .map((n, i) => `let ${n} = p(X${i});`)
  .join('\n  ');

registerKernel('im2col', 'webgpu', ({ inputs: [x], outputs: [out], attrs }: Args) => {
  const be = gpu();
  const [, , h, w] = x.shape;
  const [sn, sc, sy, sx] = x.strides;
  const xs = storageType(x.dtype);
  const ct = computeType(x.dtype);
  runMap(be, {
    key: `im2col:${xs}`,
    shape: out.shape,
    coords: true,
    operands: [{ ...inOperand(be, x), strides: [0, 0, 0] }, outOperand(be, out)],
    extra: [...geomExtra(attrs), h, w, sn, sc, sy, sx, { f: Number(attrs.padValue ?? 0) }],
    body: `${GEOM}
  let H = p(X10); let W = p(X11);
  let ch = i32(c1) / (kh * kw);
  let kk = i32(c1) % (kh * kw);
  let ki = kk / kw;
  let kj = kk % kw;
  let oy = i32(c2) / ow;
  let ox = i32(c2) % ow;
  let iy = oy * sh - ph + ki * dh;
  let ix = ox * sw - pw + kj * dw;
  var v: ${ct} = ${ct}(pf(X16));
  if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
    v = ${conv('b0[o0 + i32(c0) * p(X12) + ch * p(X13) + iy * p(X14) + ix * p(X15)]', xs, ct)};
  }
  b1[o1] = ${conv('v', ct, xs)};`,
  });
});

registerKernel('col2im', 'webgpu', ({ inputs: [cols], outputs: [out], attrs }: Args) => {
  const be = gpu();
  const [sn, sr, sl] = cols.strides;
  const cs = storageType(cols.dtype);
  const ct = computeType(cols.dtype);
  runMap(be, {
    key: `col2im:${cs}`,
    shape: out.shape,
    coords: true,
    operands: [{ ...inOperand(be, cols), strides: [0, 0, 0, 0] }, outOperand(be, out)],
    extra: [...geomExtra(attrs), sn, sr, sl],
    body: `${GEOM}
  let y = i32(c2);
  let xx = i32(c3);
  var acc: ${ct} = ${ct === 'f32' ? '0.0' : '0'};
  for (var ki: i32 = 0; ki < kh; ki = ki + 1) {
    let ty = y + ph - ki * dh;
    if (ty < 0 || ty % sh != 0) { continue; }
    let oy = ty / sh;
    if (oy >= oh) { continue; }
    for (var kj: i32 = 0; kj < kw; kj = kj + 1) {
      let tx = xx + pw - kj * dw;
      if (tx < 0 || tx % sw != 0) { continue; }
      let ox = tx / sw;
      if (ox >= ow) { continue; }
      let row = (i32(c1) * kh + ki) * kw + kj;
      acc = acc + ${conv('b0[o0 + i32(c0) * p(X10) + row * p(X11) + (oy * ow + ox) * p(X12)]', cs, ct)};
    }
  }
  b1[o1] = ${conv('acc', ct, cs)};`,
  });
});

registerKernel('max_pool2d', 'webgpu', ({ inputs: [x], outputs: [vals, idx], attrs }: Args) => {
  const be = gpu();
  const [, , h, w] = x.shape;
  const [sn, sc, sy, sx] = x.strides;
  const xs = storageType(x.dtype);
  const ct = computeType(x.dtype);
  const nan = (v: string) => (ct === 'f32' ? `isnan_(${v})` : 'false');
  runMap(be, {
    key: `maxpool2d:${xs}`,
    shape: vals.shape,
    coords: true,
    operands: [{ ...inOperand(be, x), strides: [0, 0, 0, 0] }, outOperand(be, vals), outOperand(be, idx)],
    extra: [...geomExtra(attrs), h, w, sn, sc, sy, sx],
    body: `${GEOM}
  let H = p(X10); let W = p(X11);
  let base = o0 + i32(c0) * p(X12) + i32(c1) * p(X13);
  let y0 = i32(c2) * sh - ph;
  let x0 = i32(c3) * sw - pw;
  var best: ${ct} = ${ct === 'f32' ? '-inf_()' : '-2147483647 - 1'};
  var bi: i32 = -1;
  var done = false;
  for (var ki: i32 = 0; ki < kh && !done; ki = ki + 1) {
    let yy = y0 + ki * dh;
    if (yy < 0 || yy >= H) { continue; }
    for (var kj: i32 = 0; kj < kw; kj = kj + 1) {
      let xx = x0 + kj * dw;
      if (xx < 0 || xx >= W) { continue; }
      let v = ${conv('b0[base + yy * p(X14) + xx * p(X15)]', xs, ct)};
      if (bi < 0 || v > best || ${nan('v')}) {
        best = v;
        bi = yy * W + xx;
        if (${nan('v')}) { done = true; break; }
      }
    }
  }
  b1[o1] = ${conv('best', ct, xs)};
  b2[o2] = bi;`,
  });
});

/**
 * 'max_pool2d_backward': g [N, C, oh, ow] (strided) added into zeros [N, C, H, W] at the flat argmax
 * indices. One invocation per gradient element adds with an atomic compare-exchange loop on the
 * f32 bits (exact when windows do not overlap; otherwise only the order of the additions varies).
 */
registerKernel('max_pool2d_backward', 'webgpu', ({ inputs: [g, idx], outputs: [out] }: Args) => {
  const be = gpu();
  be.materialize(out.data);
  const gs = storageType(g.dtype);
  const isFloat = gs === 'f32';
  const plane = out.shape[2] * out.shape[3];
  runMap(be, {
    key: `maxpool2dBackward:${gs}`,
    shape: g.shape,
    coords: true,
    operands: [
      inOperand(be, g),
      inOperand(be, idx),
      {
        buf: be.bufOf(out.data),
        type: isFloat ? 'atomic<u32>' : 'atomic<i32>',
        strides: [0, 0, 0, 0],
        offset: 0,
        write: true,
      },
    ],
    extra: [out.shape[1], plane],
    body: `let tgt = (i32(c0) * p(X0) + i32(c1)) * p(X1) + b1[o1] + o2;
  let v = b0[o0];
  ${
    isFloat
      ? `var old = atomicLoad(&b2[tgt]);
  loop {
    let res = atomicCompareExchangeWeak(&b2[tgt], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (res.exchanged) { break; }
    old = res.old_value;
  }`
      : 'atomicAdd(&b2[tgt], v);'
  }`,
  });
});
