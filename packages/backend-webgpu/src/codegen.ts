/**
 * Shared WGSL code generation: dtype → WGSL types and conversions, a library of numerics helpers
 * (included only when a shader uses them), parameter blocks, dimension coalescing, and the generic
 * strided "map" kernel template that every elementwise-style kernel instantiates.
 */
import type { DType, KernelTensor } from '@kindling/core';
import type { PooledBuffer, WebGPUBackend, WebGPUHandle } from './backend.js';

export type WType = 'f32' | 'i32' | 'u32';
export type GpuTensor = KernelTensor<WebGPUHandle>;

/** How a dtype is stored in a WGSL array. */
export function storageType(dtype: DType): WType {
  if (dtype === 'float32') return 'f32';
  if (dtype === 'int32') return 'i32';
  if (dtype === 'bool') return 'u32';
  throw new TypeError('float64 is not supported on webgpu (WGSL has no 64-bit floats)');
}

/** The type arithmetic on a dtype runs in (bool computes as i32). */
export function computeType(dtype: DType): 'f32' | 'i32' {
  return dtype === 'float32' ? 'f32' : 'i32';
}

/** WGSL converting `expr` of type `from` to `to` (to 'u32' means bool: non-zero, NaN included, is 1). */
export function conv(expr: string, from: WType | 'bool', to: WType | 'bool'): string {
  if (from === to) return expr;
  if (from === 'bool') {
    if (to === 'u32') return `select(0u, 1u, ${expr})`;
    if (to === 'f32') return `select(0.0, 1.0, ${expr})`;
    return `select(0, 1, ${expr})`;
  }
  if (to === 'bool') return truthy(expr, from);
  if (to === 'u32') return `select(0u, 1u, ${truthy(expr, from)})`;
  if (from === 'f32' && to === 'i32') return `f2i_(${expr})`;
  return `${to}(${expr})`;
}

export function truthy(expr: string, t: WType): string {
  if (t === 'f32') return `truthy_f(${expr})`;
  if (t === 'i32') return `(${expr} != 0)`;
  return `(${expr} != 0u)`;
}

/** Zero of a WGSL scalar type. */
export function zeroOf(t: WType): string {
  return t === 'f32' ? '0.0' : t === 'i32' ? '0' : '0u';
}

// ------------------------------------------------------------------ helper library

interface Helper {
  readonly code: string;
  readonly deps?: readonly string[];
}

/**
 * Numerics that WGSL lacks or leaves undefined (NaN/Inf handling, domains): NaN propagation is
 * explicit since WGSL's min/max/pow/log/sqrt are not specified for NaN or out-of-domain inputs.
 */
const HELPERS: Record<string, Helper> = {
  // Private variables, not constants: WGSL rejects Inf/NaN produced by constant expressions.
  nan_: {
    code: 'var<private> NAN_BITS: u32 = 0x7fc00000u;\nfn nan_() -> f32 { return bitcast<f32>(NAN_BITS); }',
  },
  inf_: {
    code: 'var<private> INF_BITS: u32 = 0x7f800000u;\nfn inf_() -> f32 { return bitcast<f32>(INF_BITS); }',
  },
  isnan_: { code: 'fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }' },
  isinf_: { code: 'fn isinf_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }' },
  isfinite_: {
    code: 'fn isfinite_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }',
  },
  truthy_f: { code: 'fn truthy_f(x: f32) -> bool { return !(x == 0.0); }' },
  /** f32 → i32 like a JS Int32Array store (ToInt32): truncate, NaN/Inf → 0, wrap modulo 2^32. */
  f2i_: {
    code: `fn f2i_(x: f32) -> i32 {
  if (!isfinite_(x)) { return 0; }
  let t = trunc(x);
  if (abs(t) < 2147483648.0) { return i32(t); }
  let m = t - 4294967296.0 * floor(t / 4294967296.0);
  return bitcast<i32>(u32(m));
}`,
    deps: ['isfinite_'],
  },
  fmax_: {
    code: 'fn fmax_(a: f32, b: f32) -> f32 { if (isnan_(a) || isnan_(b)) { return nan_(); } return max(a, b); }',
    deps: ['isnan_', 'nan_'],
  },
  fmin_: {
    code: 'fn fmin_(a: f32, b: f32) -> f32 { if (isnan_(a) || isnan_(b)) { return nan_(); } return min(a, b); }',
    deps: ['isnan_', 'nan_'],
  },
  flog_: {
    code: `fn flog_(x: f32) -> f32 {
  if (isnan_(x) || x < 0.0) { return nan_(); }
  if (x == 0.0) { return -inf_(); }
  if (isinf_(x)) { return x; }
  return log(x);
}`,
    deps: ['isnan_', 'nan_', 'inf_', 'isinf_'],
  },
  flog2_: {
    code: `fn flog2_(x: f32) -> f32 {
  if (isnan_(x) || x < 0.0) { return nan_(); }
  if (x == 0.0) { return -inf_(); }
  if (isinf_(x)) { return x; }
  return log2(x);
}`,
    deps: ['isnan_', 'nan_', 'inf_', 'isinf_'],
  },
  fsqrt_: {
    code: 'fn fsqrt_(x: f32) -> f32 { if (x < 0.0 || isnan_(x)) { return nan_(); } if (isinf_(x)) { return x; } return sqrt(x); }',
    deps: ['isnan_', 'nan_', 'isinf_'],
  },
  fexp_: {
    code: 'fn fexp_(x: f32) -> f32 { if (isnan_(x)) { return x; } if (x > 88.72284) { return inf_(); } if (x < -103.97) { return 0.0; } return exp(x); }',
    deps: ['isnan_', 'inf_'],
  },
  expm1_: {
    code: `fn expm1_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  let u = fexp_(x);
  if (isinf_(u)) { return u; }
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  return um1 * x / log(u);
}`,
    deps: ['isnan_', 'fexp_', 'isinf_'],
  },
  log1p_: {
    code: `fn log1p_(x: f32) -> f32 {
  if (isnan_(x) || x < -1.0) { return nan_(); }
  if (x == -1.0) { return -inf_(); }
  if (isinf_(x)) { return x; }
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * x / (u - 1.0);
}`,
    deps: ['isnan_', 'nan_', 'inf_', 'isinf_'],
  },
  ftanh_: {
    code: `fn ftanh_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let a = abs(x);
  if (a > 9.5) { return sign(x); }
  if (a < 0.0005) { return x - x * x * x / 3.0; }
  let e = exp(-2.0 * a);
  return sign(x) * (1.0 - e) / (1.0 + e);
}`,
    deps: ['isnan_'],
  },
  fsinh_: {
    code: `fn fsinh_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let a = abs(x);
  if (a < 0.0005) { return x + x * x * x / 6.0; }
  if (a > 89.0) { return sign(x) * inf_(); }
  let e = exp(a);
  return sign(x) * 0.5 * (e - 1.0 / e);
}`,
    deps: ['isnan_', 'inf_'],
  },
  fcosh_: {
    code: `fn fcosh_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let a = abs(x);
  if (a > 89.0) { return inf_(); }
  let e = exp(a);
  return 0.5 * (e + 1.0 / e);
}`,
    deps: ['isnan_', 'inf_'],
  },
  asinh_: {
    code: `fn asinh_(x: f32) -> f32 {
  let a = abs(x);
  if (isnan_(x) || isinf_(x)) { return x; }
  if (a > 1e18) { return sign(x) * (log(a) + 0.6931471805599453); }
  return sign(x) * log1p_(a + a * a / (1.0 + sqrt(a * a + 1.0)));
}`,
    deps: ['isnan_', 'isinf_', 'log1p_'],
  },
  acosh_: {
    code: `fn acosh_(x: f32) -> f32 {
  if (isnan_(x) || x < 1.0) { return nan_(); }
  if (isinf_(x)) { return x; }
  if (x > 1e18) { return log(x) + 0.6931471805599453; }
  let t = x - 1.0;
  return log1p_(t + sqrt(2.0 * t + t * t));
}`,
    deps: ['isnan_', 'nan_', 'isinf_', 'log1p_'],
  },
  atanh_: {
    code: `fn atanh_(x: f32) -> f32 {
  if (isnan_(x) || abs(x) > 1.0) { return nan_(); }
  if (x == 1.0) { return inf_(); }
  if (x == -1.0) { return -inf_(); }
  return 0.5 * log1p_(2.0 * x / (1.0 - x));
}`,
    deps: ['isnan_', 'nan_', 'inf_', 'log1p_'],
  },
  fasin_: {
    code: 'fn fasin_(x: f32) -> f32 { if (isnan_(x) || abs(x) > 1.0) { return nan_(); } return asin(x); }',
    deps: ['isnan_', 'nan_'],
  },
  facos_: {
    code: 'fn facos_(x: f32) -> f32 { if (isnan_(x) || abs(x) > 1.0) { return nan_(); } return acos(x); }',
    deps: ['isnan_', 'nan_'],
  },
  ftan_: {
    code: 'fn ftan_(x: f32) -> f32 { if (isnan_(x) || isinf_(x)) { return nan_(); } return sin(x) / cos(x); }',
    deps: ['isnan_', 'isinf_', 'nan_'],
  },
  /** erfc for x >= 0 via exp(-x²)·P(t), |rel err| < 1.2e-7 (Numerical Recipes' erfcc). */
  erfc_pos_: {
    code: `fn erfc_pos_(x: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.5 * x);
  let y = t * exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return y;
}`,
  },
  erf_: {
    code: `fn erf_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let a = abs(x);
  if (a < 0.5) {
    let z = x * x;
    return x * (1.1283791670955126 + z * (-0.37612638903183754 + z * (0.11283791670955126 +
      z * (-0.026866170645131252 + z * (0.005223977625442188 + z * -0.0008548327023450852)))));
  }
  if (a > 9.0) { return sign(x); }
  return sign(x) * (1.0 - erfc_pos_(a));
}`,
    deps: ['isnan_', 'erfc_pos_'],
  },
  erfc_: {
    code: `fn erfc_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (abs(x) < 0.5) { return 1.0 - erf_(x); }
  if (x > 10.0) { return 0.0; }
  if (x < -9.0) { return 2.0; }
  if (x > 0.0) { return erfc_pos_(x); }
  return 2.0 - erfc_pos_(-x);
}`,
    deps: ['isnan_', 'erf_', 'erfc_pos_'],
  },
  sigmoid_: {
    code: `fn sigmoid_(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + fexp_(-x)); }
  let e = fexp_(x);
  return e / (1.0 + e);
}`,
    deps: ['fexp_'],
  },
  softplus1_: {
    code: 'fn softplus1_(x: f32) -> f32 { if (x > 20.0) { return x; } return log1p_(fexp_(x)); }',
    deps: ['log1p_', 'fexp_'],
  },
  /** C's fmod for floats, exactly rounded where WGSL's % (x - y·trunc(x/y)) is not. */
  fmod_: {
    code: `fn fmod_(a: f32, b: f32) -> f32 {
  if (isnan_(a) || isnan_(b) || isinf_(a) || b == 0.0) { return nan_(); }
  if (isinf_(b)) { return a; }
  let q = trunc(a / b);
  var r = fma(-b, q, a);
  if (r != 0.0 && (r < 0.0) != (a < 0.0)) { r = r + select(-abs(b), abs(b), a > 0.0); }
  if (abs(r) >= abs(b)) { r = r - select(-abs(b), abs(b), a > 0.0); }
  if (r == 0.0) { return select(0.0, -0.0, a < 0.0); }
  return r;
}`,
    deps: ['isnan_', 'isinf_', 'nan_'],
  },
  fremainder_: {
    code: `fn fremainder_(a: f32, b: f32) -> f32 {
  let m = fmod_(a, b);
  if (m != 0.0 && (m < 0.0) != (b < 0.0)) { return m + b; }
  return m;
}`,
    deps: ['fmod_'],
  },
  ffloordiv_: {
    code: `fn ffloordiv_(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return a / b; }
  if (isnan_(a) || isnan_(b)) { return nan_(); }
  let m = fmod_(a, b);
  var d = (a - m) / b;
  if (m != 0.0 && (b < 0.0) != (m < 0.0)) { d = d - 1.0; }
  if (d == 0.0) { let q = a / b; return select(0.0, -0.0, q < 0.0); }
  var fd = floor(d);
  if (d - fd > 0.5) { fd = fd + 1.0; }
  return fd;
}`,
    deps: ['fmod_', 'isnan_', 'nan_'],
  },
  ifloordiv_: {
    code: `fn ifloordiv_(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) { return q - 1; }
  return q;
}`,
  },
  iremainder_: {
    code: `fn iremainder_(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let m = a % b;
  if (m != 0 && ((m < 0) != (b < 0))) { return m + b; }
  return m;
}`,
  },
  fpow_: {
    code: `fn fpow_(a: f32, b: f32) -> f32 {
  if (a == 1.0 || b == 0.0) { return 1.0; }
  if (isnan_(a) || isnan_(b)) { return nan_(); }
  if (a == -1.0 && isinf_(b)) { return 1.0; }
  let ab = abs(a);
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  if (b == 0.5 && a >= 0.0) { return sqrt(a); }
  if (b == -1.0) { return 1.0 / a; }
  var r: f32;
  if (ab == 0.0) { r = select(0.0, inf_(), b < 0.0); }
  else if (isinf_(ab)) { r = select(inf_(), 0.0, b < 0.0); }
  else if (isinf_(b)) { r = select(select(0.0, inf_(), ab > 1.0), select(inf_(), 0.0, ab > 1.0), b < 0.0); }
  else { r = exp2(b * log2(ab)); }
  if (a < 0.0 || (a == 0.0 && bitcast<u32>(a) != 0u)) {
    if (isinf_(b)) { return r; }
    if (b != floor(b)) { return nan_(); }
    let half = b * 0.5;
    if (half != floor(half)) { r = -r; }
  }
  return r;
}`,
    deps: ['isnan_', 'isinf_', 'nan_', 'inf_'],
  },
  ipow_: {
    code: `fn ipow_(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(-1, 1, b % 2 == 0); }
    return 0;
  }
  var r = 1;
  var base = a;
  var e = b;
  loop {
    if (e <= 0) { break; }
    if ((e & 1) == 1) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}`,
  },
  fround_: {
    // WGSL round() rounds half to even, as C's nearbyint.
    code: 'fn fround_(x: f32) -> f32 { return round(x); }',
  },
};

/** Prepends the helpers `body` calls (and their dependencies), in dependency order. */
export function withHelpers(body: string): string {
  const included: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const h = HELPERS[name];
    for (const d of h.deps ?? []) visit(d);
    // Helpers may call helpers not listed as deps; scan their code too.
    for (const other of Object.keys(HELPERS)) if (other !== name && callsFn(h.code, other)) visit(other);
    included.push(h.code);
  };
  for (const name of Object.keys(HELPERS)) if (callsFn(body, name)) visit(name);
  return `${included.join('\n')}\n${body}`;
}

function callsFn(code: string, name: string): boolean {
  let i = code.indexOf(`${name}(`);
  while (i >= 0) {
    const prev = i === 0 ? ' ' : code[i - 1];
    if (!/[A-Za-z0-9_]/.test(prev) && !code.startsWith(`fn ${name}(`, i - 3)) return true;
    i = code.indexOf(`${name}(`, i + 1);
  }
  return false;
}

// ------------------------------------------------------------------ parameters

/** A block of i32 kernel parameters; floats are stored bit-cast. */
export class Params {
  private readonly vals: number[] = [];
  private static readonly f = new Float32Array(1);
  private static readonly i = new Int32Array(Params.f.buffer);
  /** Appends an integer, returning its index. */
  int(v: number): number {
    if (!Number.isInteger(v) || v > 2147483647 || v < -2147483648)
      throw new RangeError(
        `webgpu: kernel parameter ${v} does not fit in int32 (tensor too large for this backend)`,
      );
    this.vals.push(v);
    return this.vals.length - 1;
  }
  ints(vs: readonly number[]): number {
    const at = this.vals.length;
    for (const v of vs) this.int(v);
    return at;
  }
  float(v: number): number {
    Params.f[0] = v;
    this.vals.push(Params.i[0]);
    return this.vals.length - 1;
  }
  get length(): number {
    return this.vals.length;
  }
  toArray(): Int32Array {
    return Int32Array.from(this.vals);
  }
}

/** WGSL declaring the uniform parameter block (binding 0) of `n` i32 values and accessors p()/pf(). */
export function paramDecl(n: number): string {
  const vecs = Math.max(1, Math.ceil(n / 4));
  return `struct Prm { v: array<vec4<i32>, ${vecs}> }
@group(0) @binding(0) var<uniform> prm: Prm;
fn p(i: u32) -> i32 { return prm.v[i >> 2u][i & 3u]; }
fn pu(i: u32) -> u32 { return u32(prm.v[i >> 2u][i & 3u]); }
fn pf(i: u32) -> f32 { return bitcast<f32>(prm.v[i >> 2u][i & 3u]); }`;
}

/** WGSL's linear invocation index for a 1-D grid folded into 2-D (see WebGPUBackend.grid). */
export const LINEAR_ID = 'gid.x + gid.y * nwg.x * WG';
export const MAIN_ARGS =
  '@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>';
/** Linear workgroup index of a 1-D grid folded into 2-D. */
export const GROUP_ID = 'wid.x + wid.y * nwg.x';

// ------------------------------------------------------------------ shapes

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * Drops size-1 dims and merges adjacent dims that are contiguous with each other in every operand
 * (the iteration order stays row-major), so most kernels run on 1-d or 2-d index spaces.
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const s = shape[d];
    if (s === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((st, k) => outStrides[k][last] === st[d] * s)) {
      outShape[last] *= s;
      for (let k = 0; k < strides.length; k++) outStrides[k][last] = strides[k][d];
    } else {
      outShape.push(s);
      for (let k = 0; k < strides.length; k++) outStrides[k].push(strides[k][d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

/**
 * WGSL computing per-operand element offsets `o<k>` (i32) from the linear index `lin` (u32) over an
 * `nd`-d shape whose sizes start at parameter `shapeAt`; operand k's offset is at `offAt[k]` and its
 * strides follow it. With `coords`, also defines `c<d>` (u32) for every dim.
 */
export function offsetCode(
  lin: string,
  nd: number,
  shapeAt: number,
  offAt: readonly number[],
  coords = false,
): string {
  const lines: string[] = [];
  for (let k = 0; k < offAt.length; k++) lines.push(`var o${k}: i32 = p(${offAt[k]}u);`);
  if (nd === 0) return lines.join('\n  ');
  lines.push(`var r_: u32 = ${lin};`);
  for (let d = nd - 1; d >= 0; d--) {
    const c = coords ? `c${d}` : `c_${d}`;
    if (d > 0) {
      lines.push(`let ${c} = r_ % pu(${shapeAt + d}u);`);
      lines.push(`r_ = r_ / pu(${shapeAt + d}u);`);
    } else lines.push(`let ${c} = r_;`);
    for (let k = 0; k < offAt.length; k++) lines.push(`o${k} = o${k} + i32(${c}) * p(${offAt[k] + 1 + d}u);`);
  }
  return lines.join('\n  ');
}

// ------------------------------------------------------------------ the map template

export interface MapOperand {
  readonly buf: PooledBuffer;
  /** WGSL element type of the binding ('vec4<f32>' etc. allowed for custom bodies). */
  readonly type: string;
  readonly strides: readonly number[];
  readonly offset: number;
  readonly write?: boolean;
}

export interface MapSpec {
  /** Identifies the body (op, dtypes, variant) for the pipeline cache. */
  readonly key: string;
  /** The iteration space (one invocation per element). */
  readonly shape: readonly number[];
  readonly operands: readonly MapOperand[];
  /**
   * WGSL statements run per element: operand k is the array `b<k>` at element offset `o<k>`;
   * extra parameters are `p(X<i>)`/`pf(X<i>)` where X<i> is written as `X0`, `X1`... in the body.
   */
  readonly body: string;
  /** Extra i32 parameters (floats via Params.float semantics: pass `{ f: value }`). */
  readonly extra?: readonly (number | { readonly f: number })[];
  /** Keep every dim and expose coordinates c<d> (no coalescing). */
  readonly coords?: boolean;
  /** Workgroup size (default 64). */
  readonly wg?: number;
}

/** Runs a generated strided elementwise kernel over `spec.shape`. */
export function runMap(be: WebGPUBackend, spec: MapSpec): void {
  const n = numelOf(spec.shape);
  if (n === 0) return;
  let shape: readonly number[] = spec.shape;
  let strides: readonly (readonly number[])[] = spec.operands.map((o) => o.strides);
  if (!spec.coords) {
    const c = coalesce(shape, strides);
    shape = c.shape;
    strides = c.strides;
  }
  const nd = shape.length;
  const prm = new Params();
  prm.int(n);
  const extraAt: number[] = [];
  for (const e of spec.extra ?? []) extraAt.push(typeof e === 'number' ? prm.int(e) : prm.float(e.f));
  const shapeAt = prm.ints(shape);
  const offAt: number[] = [];
  spec.operands.forEach((o, k) => {
    offAt.push(prm.int(o.offset));
    prm.ints(strides[k]);
  });
  const wg = spec.wg ?? 64;
  const key = `map|${spec.key}|${nd}|${spec.coords ? 'c' : ''}|${spec.operands.map((o) => `${o.type}${o.write ? 'w' : 'r'}`).join(',')}|${wg}`;
  const pipeline = be.pipeline(key, () => {
    let body = spec.body;
    extraAt.forEach((at, i) => {
      body = body.replace(new RegExp(`\\bX${i}\\b`, 'g'), `${at}u`);
    });
    const decls = spec.operands
      .map(
        (o, k) =>
          `@group(0) @binding(${k + 1}) var<storage, ${o.write ? 'read_write' : 'read'}> b${k}: array<${o.type}>;`,
      )
      .join('\n');
    return withHelpers(`${paramDecl(prm.length)}
${decls}
const WG: u32 = ${wg}u;
@compute @workgroup_size(${wg})
fn main(${MAIN_ARGS}) {
  let idx = ${LINEAR_ID};
  if (idx >= pu(0u)) { return; }
  ${offsetCode('idx', nd, shapeAt, offAt, spec.coords)}
  ${body}
}`);
  });
  be.dispatch({
    pipeline,
    params: prm.toArray(),
    pooled: spec.operands.map((o) => o.buf),
    workgroups: be.grid(Math.ceil(n / wg)),
  });
}

// ------------------------------------------------------------------ kernel operands

/** The pooled buffer of an input, cleared first if it is only lazily zero. */
export function inBuf(be: WebGPUBackend, t: GpuTensor): PooledBuffer {
  be.materialize(t.data);
  return be.bufOf(t.data);
}

/** The pooled buffer of a fresh output that the kernel writes completely. */
export function outBuf(be: WebGPUBackend, t: GpuTensor): PooledBuffer {
  t.data.zero = false;
  return be.bufOf(t.data);
}

export function inOperand(be: WebGPUBackend, t: GpuTensor, type = storageType(t.dtype)): MapOperand {
  return { buf: inBuf(be, t), type, strides: t.strides, offset: t.offset };
}

export function outOperand(be: WebGPUBackend, t: GpuTensor, type = storageType(t.dtype)): MapOperand {
  return { buf: outBuf(be, t), type, strides: t.strides, offset: t.offset, write: true };
}
