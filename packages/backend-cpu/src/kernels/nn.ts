import { type KernelArgs, registerKernel, type WindowGeometry } from '@kindling/core';
import type { CpuHandle } from '../backend.js';

type Geom = WindowGeometry;

/** 'im2col': x [N, C, H, W] (strided) → out [N, C*kh*kw, oh*ow]; outside the image reads padValue. */
function im2col({
  inputs: [x],
  outputs: [out],
  attrs,
}: KernelArgs<CpuHandle, Geom & { padValue: number }>): void {
  const { kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = attrs;
  const pad = attrs.padValue;
  const [n, c, h, w] = x.shape;
  const [sn, sc, sy, sx] = x.strides;
  const src = x.data;
  const dst = out.data;
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const base = x.offset + b * sn + ch * sc;
      for (let ki = 0; ki < kh; ki++)
        for (let kj = 0; kj < kw; kj++) {
          const xoff = kj * dw - pw;
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh - ph + ki * dh;
            if (iy < 0 || iy >= h) {
              if (pad !== 0) dst.fill(pad, o, o + ow);
              o += ow;
              continue;
            }
            const rowBase = base + iy * sy;
            if (sw === 1 && sx === 1) {
              // Contiguous row: only the edges can fall outside the image.
              for (let ox = 0; ox < ow; ox++) {
                const ix = ox + xoff;
                dst[o++] = ix >= 0 && ix < w ? src[rowBase + ix] : pad;
              }
            } else
              for (let ox = 0; ox < ow; ox++) {
                const ix = ox * sw + xoff;
                dst[o++] = ix >= 0 && ix < w ? src[rowBase + ix * sx] : pad;
              }
          }
        }
    }
}

/** 'col2im': cols [N, C*kh*kw, oh*ow] (strided) summed into out [N, C, H, W]. */
function col2im({
  inputs: [cols],
  outputs: [out],
  attrs,
}: KernelArgs<CpuHandle, Geom & { h: number; w: number }>): void {
  const { kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, h, w } = attrs;
  const [n, ckk] = cols.shape;
  const c = ckk / (kh * kw);
  const [sn, sr, sl] = cols.strides;
  const src = cols.data;
  const dst = out.data;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const obase = (b * c + ch) * h * w;
      for (let ki = 0; ki < kh; ki++)
        for (let kj = 0; kj < kw; kj++) {
          const row = (ch * kh + ki) * kw + kj;
          let p = cols.offset + b * sn + row * sr;
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh - ph + ki * dh;
            if (iy < 0 || iy >= h) {
              p += ow * sl;
              continue;
            }
            const rb = obase + iy * w;
            for (let ox = 0; ox < ow; ox++, p += sl) {
              const ix = ox * sw - pw + kj * dw;
              if (ix >= 0 && ix < w) dst[rb + ix] += src[p];
            }
          }
        }
    }
}

/** 'max_pool2d': x [N, C, H, W] → values and int32 flat (y*W + x) argmax indices; NaN wins. */
function maxPool2d({ inputs: [x], outputs: [vals, idx], attrs }: KernelArgs<CpuHandle, Geom>): void {
  const { kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = attrs;
  const [n, c, h, w] = x.shape;
  const [sn, sc, sy, sx] = x.strides;
  const src = x.data;
  const v = vals.data;
  const ix = idx.data;
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const base = x.offset + b * sn + ch * sc;
      for (let oy = 0; oy < oh; oy++) {
        const y0 = oy * sh - ph;
        for (let ox = 0; ox < ow; ox++, o++) {
          const x0 = ox * sw - pw;
          let best = Number.NEGATIVE_INFINITY;
          let bi = -1;
          for (let ki = 0; ki < kh; ki++) {
            const y = y0 + ki * dh;
            if (y < 0 || y >= h) continue;
            for (let kj = 0; kj < kw; kj++) {
              const xx = x0 + kj * dw;
              if (xx < 0 || xx >= w) continue;
              const val = src[base + y * sy + xx * sx];
              if (bi < 0 || val > best || Number.isNaN(val)) {
                best = val;
                bi = y * w + xx;
                if (Number.isNaN(val)) break;
              }
            }
            if (Number.isNaN(best)) break;
          }
          v[o] = best;
          ix[o] = bi;
        }
      }
    }
}

/** 'max_pool2d_backward': g [N, C, oh, ow] (strided) added into out [N, C, H, W] at the flat argmax indices. */
function maxPool2dBackward({ inputs: [g, idx], outputs: [out] }: KernelArgs<CpuHandle>): void {
  const [n, c, oh, ow] = g.shape;
  const [sn, sc, sy, sx] = g.strides;
  const [in_, ic, iy, ix] = idx.strides;
  const plane = out.shape[2] * out.shape[3];
  const src = g.data;
  const id = idx.data;
  const dst = out.data;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const obase = (b * c + ch) * plane;
      for (let y = 0; y < oh; y++) {
        let p = g.offset + b * sn + ch * sc + y * sy;
        let q = idx.offset + b * in_ + ch * ic + y * iy;
        for (let x = 0; x < ow; x++, p += sx, q += ix) dst[obase + id[q]] += src[p];
      }
    }
}

registerKernel('im2col', 'cpu', im2col);
registerKernel('col2im', 'cpu', col2im);
registerKernel('max_pool2d', 'cpu', maxPool2d);
registerKernel('max_pool2d_backward', 'cpu', maxPool2dBackward);
