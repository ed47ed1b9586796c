/**
 * Reductions over arbitrary dims from one template. A reduction is a monoid in WGSL (state struct,
 * init, add-an-element, combine, write). The plan splits the input's dims into kept dims (one output
 * each, row-major) and reduced dims (enumerated row-major, so the flat reduced index is what
 * argmax/argmin return), both coalesced. Three schedules:
 * - 'thread': one invocation per output folds its elements (short reductions, many outputs);
 * - 'group':  one workgroup per output, strided loads, tree combine in workgroup memory;
 * - 'split':  two passes for few long reductions: G workgroups per output write partial states,
 *             a second pass combines them (also in workgroup memory).
 */
import { type DType, type KernelArgs, registerKernel } from '@kindling/core';
import type { PooledBuffer, WebGPUBackend, WebGPUHandle } from '../backend.js';
import {
  coalesce,
  computeType,
  conv,
  type GpuTensor,
  GROUP_ID,
  inBuf,
  LINEAR_ID,
  MAIN_ARGS,
  numelOf,
  outBuf,
  Params,
  paramDecl,
  storageType,
  truthy,
  withHelpers,
} from '../codegen.js';
import { gpu } from '../device.js';

type Args = KernelArgs<WebGPUHandle>;
type CT = 'f32' | 'i32';

export interface ReducePlan {
  keptShape: number[];
  keptStrides: number[][];
  redShape: number[];
  redStrides: number[][];
  outs: number;
  count: number;
}

/** Kept/reduced split of `shape` for several operands sharing it (each with its strides). */
export function planReduce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  dims: readonly number[],
): ReducePlan {
  const ks: number[] = [];
  const kst: number[][] = strides.map(() => []);
  const rs: number[] = [];
  const rst: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const red = dims.includes(d);
    (red ? rs : ks).push(shape[d]);
    strides.forEach((st, j) => {
      (red ? rst : kst)[j].push(st[d]);
    });
  }
  const outs = numelOf(ks);
  const count = numelOf(rs);
  const kc = coalesce(ks, kst);
  const rc = count === 0 ? { shape: [], strides: strides.map(() => []) } : coalesce(rs, rst);
  return {
    keptShape: kc.shape,
    keptStrides: kc.strides,
    redShape: rc.shape,
    redStrides: rc.strides,
    outs,
    count,
  };
}

/** WGSL `fn name(i: u32) -> i32`: the offset of row-major index i over dims at shapeAt/strideAt. */
export function offsetFn(name: string, nd: number, shapeAt: number, strideAt: number): string {
  const lines = [`fn ${name}(i: u32) -> i32 {`, '  var o: i32 = 0;'];
  if (nd > 0) lines.push('  var r_: u32 = i;');
  for (let d = nd - 1; d >= 0; d--) {
    if (d > 0) {
      lines.push(`  o = o + i32(r_ % pu(${shapeAt + d}u)) * p(${strideAt + d}u);`);
      lines.push(`  r_ = r_ / pu(${shapeAt + d}u);`);
    } else lines.push(`  o = o + i32(r_) * p(${strideAt}u);`);
  }
  lines.push('  return o;', '}');
  return lines.join('\n');
}

/** Parameters describing a plan: [outs, count, kept shape, kept strides per operand, red shape, red strides...]. */
export function planParams(
  prm: Params,
  plan: ReducePlan,
  nOps: number,
): { keptFns: string[]; redFns: string[]; key: string } {
  prm.int(plan.outs);
  prm.int(plan.count);
  const kAt = prm.ints(plan.keptShape);
  const kStr: number[] = [];
  for (let j = 0; j < nOps; j++) kStr.push(prm.ints(plan.keptStrides[j]));
  const rAt = prm.ints(plan.redShape);
  const rStr: number[] = [];
  for (let j = 0; j < nOps; j++) rStr.push(prm.ints(plan.redStrides[j]));
  const nk = plan.keptShape.length;
  const nr = plan.redShape.length;
  return {
    keptFns: kStr.map((at, j) => offsetFn(`koff${j}`, nk, kAt, at)),
    redFns: rStr.map((at, j) => offsetFn(`roff${j}`, nr, rAt, at)),
    key: `${nk}.${nr}`,
  };
}

/** A reduction monoid. `x` is an element in the compute type, `r` its flat reduced index. */
export interface RedDef {
  ct: (x: DType, out: DType) => CT;
  state: (ct: CT) => string;
  init: (ct: CT) => string;
  add: (ct: CT) => string;
  comb: (ct: CT) => string;
  /** Statements writing state `s` of output `k` (count `cnt`, extras q0..) to out0/out1. */
  write: (outs: readonly GpuTensor[], ct: CT) => string;
  /** attrs → f32 extras q0, q1...; and a variant for the cache key. */
  extras?: (attrs: Readonly<Record<string, unknown>>) => { q: number[]; variant: string };
}

const outCT = (_x: DType, out: DType): CT => computeType(out);
const inCT = (x: DType): CT => computeType(x);
const F32 = (): CT => 'f32';
const st = (outs: readonly GpuTensor[], j: number) => storageType(outs[j].dtype);

function simple(
  init: (ct: CT) => string,
  op: (ct: CT, a: string, b: string) => string,
  write: (ct: CT) => string = () => 's.v',
  ct: RedDef['ct'] = outCT,
): RedDef {
  return {
    ct,
    state: (t) => `v: ${t}`,
    init: (t) => `S(${init(t)})`,
    add: (t) => `return S(${op(t, 's.v', 'x')});`,
    comb: (t) => `return S(${op(t, 'a.v', 'b.v')});`,
    write: (outs, t) => `out0[k] = ${conv(`(${write(t)})`, t, st(outs, 0))};`,
  };
}

const ext = (t: CT, fl: string, int: string) => (t === 'f32' ? fl : int);

/** max/min with the index of the first extreme element; NaN wins (its first position). */
function selectDef(isMax: boolean, withValues: boolean): RedDef {
  const better = isMax ? '>' : '<';
  return {
    ct: inCT,
    state: (t) => `v: ${t}, i: i32`,
    init: (t) => `S(${t === 'f32' ? '0.0' : '0'}, -1)`,
    add: () => 'return s_comb(s, S(x, r));',
    comb: (t) => {
      const nanA = t === 'f32' ? 'isnan_(a.v)' : 'false';
      const nanB = t === 'f32' ? 'isnan_(b.v)' : 'false';
      return `if (a.i < 0) { return b; }
  if (b.i < 0) { return a; }
  let na = ${nanA};
  let nb = ${nanB};
  if (na || nb) {
    if (na && nb) { if (a.i < b.i) { return a; } return b; }
    if (na) { return a; }
    return b;
  }
  if (b.v ${better} a.v) { return b; }
  if (a.v ${better} b.v) { return a; }
  if (a.i < b.i) { return a; }
  return b;`;
    },
    write: (outs, t) =>
      withValues
        ? `out0[k] = ${conv('s.v', t, st(outs, 0))};\n  out1[k] = max(s.i, 0);`
        : `out0[k] = max(s.i, 0);`,
  };
}

function truthyDef(mode: 'all' | 'any' | 'count'): RedDef {
  return {
    ct: inCT,
    state: () => 'v: i32',
    init: () => `S(${mode === 'all' ? 1 : 0})`,
    add: (t) => {
      const nz = truthy('x', t);
      if (mode === 'count') return `return S(s.v + select(0, 1, ${nz}));`;
      if (mode === 'all') return `return S(select(0, s.v, ${nz}));`;
      return `return S(select(s.v, 1, ${nz}));`;
    },
    comb: () =>
      mode === 'count'
        ? 'return S(a.v + b.v);'
        : mode === 'all'
          ? 'return S(min(a.v, b.v));'
          : 'return S(max(a.v, b.v));',
    write: (outs) => `out0[k] = ${conv('s.v', 'i32', st(outs, 0))};`,
  };
}

function varianceDef(sqrt: boolean): RedDef {
  return {
    ct: F32,
    state: () => 'n: f32, m: f32, m2: f32',
    init: () => 'S(0.0, 0.0, 0.0)',
    add: () => `let n = s.n + 1.0;
  let d = x - s.m;
  let m = s.m + d / n;
  return S(n, m, s.m2 + d * (x - m));`,
    comb: () => `if (a.n == 0.0) { return b; }
  if (b.n == 0.0) { return a; }
  let n = a.n + b.n;
  let d = b.m - a.m;
  return S(n, a.m + d * (b.n / n), a.m2 + b.m2 + d * d * (a.n * (b.n / n)));`,
    write: (outs) => {
      const v = 's.m2 / max(0.0, f32(cnt) - q0)';
      return `out0[k] = ${conv(sqrt ? `sqrt(${v})` : v, 'f32', st(outs, 0))};`;
    },
    extras: (a) => ({ q: [Number(a.correction ?? 1)], variant: '' }),
  };
}

const LOGSUMEXP: RedDef = {
  ct: F32,
  state: () => 'm: f32, s: f32',
  init: () => 'S(-inf_(), 0.0)',
  add: () => 'return s_comb(s, S(x, 1.0));',
  comb: () => `if (isnan_(a.m) || isnan_(b.m)) { return S(nan_(), 0.0); }
  let m = max(a.m, b.m);
  var sa = a.s;
  if (a.m != m) { sa = a.s * exp(a.m - m); }
  var sb = b.s;
  if (b.m != m) { sb = b.s * exp(b.m - m); }
  return S(m, sa + sb);`,
  write: (outs) =>
    `var v = s.m + log(s.s);\n  if (isnan_(s.m) || isinf_(s.m)) { v = s.m; }\n  out0[k] = ${conv('v', 'f32', st(outs, 0))};`,
};

/** Vector p-norms; special p values get their own variant, others use q0 = p. */
const NORM: RedDef = {
  ct: F32,
  state: () => 'v: f32',
  init: () => 'S(NORM_INIT)',
  add: () => 'return S(NORM_ADD(s.v, abs(x)));',
  comb: () => 'return S(NORM_COMB(a.v, b.v));',
  write: (outs) => `out0[k] = ${conv('NORM_FIN(s.v)', 'f32', st(outs, 0))};`,
  extras: (a) => {
    const p = Number(a.p);
    const variant =
      p === 2
        ? 'two'
        : p === 1
          ? 'one'
          : p === Infinity
            ? 'inf'
            : p === -Infinity
              ? 'ninf'
              : p === 0
                ? 'zero'
                : 'p';
    return { q: [p], variant };
  },
};

const NORM_VARIANTS: Record<string, Record<string, string>> = {
  two: { INIT: '0.0', ADD: '$1 + $2 * $2', COMB: '$1 + $2', FIN: 'sqrt($1)' },
  one: { INIT: '0.0', ADD: '$1 + $2', COMB: '$1 + $2', FIN: '$1' },
  inf: { INIT: '0.0', ADD: 'fmax_($1, $2)', COMB: 'fmax_($1, $2)', FIN: '$1' },
  ninf: { INIT: 'inf_()', ADD: 'fmin_($1, $2)', COMB: 'fmin_($1, $2)', FIN: '$1' },
  zero: {
    INIT: '0.0',
    ADD: '$1 + select(select(0.0, 1.0, $2 != 0.0), nan_(), isnan_($2))',
    COMB: '$1 + $2',
    FIN: '$1',
  },
  p: { INIT: '0.0', ADD: '$1 + fpow_($2, q0f())', COMB: '$1 + $2', FIN: 'fpow_($1, 1.0 / q0f())' },
};

function expandNorm(code: string, variant: string): string {
  const v = NORM_VARIANTS[variant];
  if (!v) return code;
  return code.replace(
    /NORM_(INIT|ADD|COMB|FIN)(\(([^()]*(?:\([^()]*\))?[^()]*)\))?/g,
    (_m, what: string, _g, args?: string) => {
      const tpl = v[what];
      if (!args) return tpl;
      const parts = splitArgs(args);
      return `(${tpl.replace(/\$(\d)/g, (_x, i: string) => parts[Number(i) - 1])})`;
    },
  );
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

export const REDUCTIONS: Record<string, RedDef> = {
  sum: simple(
    (t) => ext(t, '0.0', '0'),
    (_t, a, b) => `${a} + ${b}`,
  ),
  mean: simple(
    (t) => ext(t, '0.0', '0'),
    (_t, a, b) => `${a} + ${b}`,
    (t) => (t === 'f32' ? 's.v / f32(cnt)' : 's.v / max(cnt, 1)'),
  ),
  prod: simple(
    (t) => ext(t, '1.0', '1'),
    (_t, a, b) => `${a} * ${b}`,
  ),
  amax: simple(
    (t) => ext(t, '-inf_()', '-2147483647 - 1'),
    (t, a, b) => (t === 'f32' ? `fmax_(${a}, ${b})` : `max(${a}, ${b})`),
    undefined,
    inCT,
  ),
  amin: simple(
    (t) => ext(t, 'inf_()', '2147483647'),
    (t, a, b) => (t === 'f32' ? `fmin_(${a}, ${b})` : `min(${a}, ${b})`),
    undefined,
    inCT,
  ),
  max: selectDef(true, true),
  min: selectDef(false, true),
  argmax: selectDef(true, false),
  argmin: selectDef(false, false),
  var: varianceDef(false),
  std: varianceDef(true),
  logsumexp: LOGSUMEXP,
  all: truthyDef('all'),
  any: truthyDef('any'),
  countNonzero: truthyDef('count'),
  norm: NORM,
};

interface Schedule {
  mode: 'thread' | 'group' | 'split';
  groups: number;
}

function schedule(be: WebGPUBackend, outs: number, count: number): Schedule {
  if (count <= 64 || (outs >= 4096 && count <= 1024)) return { mode: 'thread', groups: 1 };
  const wg = reduceWG(be);
  const g = Math.min(wg, Math.ceil(count / (wg * 16)));
  if (g >= 2 && outs < 256) return { mode: 'split', groups: g };
  return { mode: 'group', groups: 1 };
}

export function reduceWG(be: WebGPUBackend): number {
  const l = be.limits;
  return Math.min(256, l.maxComputeInvocationsPerWorkgroup, l.maxComputeWorkgroupSizeX);
}

/** Runs reduction `name` of x over `dims` into `outs` (keepdim-shaped, contiguous). */
export function runReduce(
  name: string,
  def: RedDef,
  x: GpuTensor,
  dims: readonly number[],
  outs: readonly GpuTensor[],
  attrs: Readonly<Record<string, unknown>>,
): void {
  const be = gpu();
  const plan = planReduce(x.shape, [x.strides], dims);
  if (plan.outs === 0) return;
  const ct = def.ct(x.dtype, outs[0].dtype);
  const { q, variant } = def.extras?.(attrs) ?? { q: [], variant: '' };
  const sched = schedule(be, plan.outs, plan.count);
  const wg = reduceWG(be);
  const xs = storageType(x.dtype);
  const prm = new Params();
  const fns = planParams(prm, plan, 1);
  const xOffAt = prm.int(x.offset);
  const groupsAt = prm.int(sched.groups);
  const qAt = q.map((v) => prm.float(v));
  const xb = inBuf(be, x);
  const ob = outs.map((o) => outBuf(be, o));

  const common = (mode: string, withInput: boolean, withOutputs: boolean, partial: 'none' | 'r' | 'w') => {
    const decl: string[] = [];
    const bufs: PooledBuffer[] = [];
    let b = 1;
    if (withInput) {
      decl.push(`@group(0) @binding(${b++}) var<storage, read> bx: array<${xs}>;`);
      bufs.push(xb);
    }
    if (withOutputs)
      outs.forEach((o, j) => {
        decl.push(
          `@group(0) @binding(${b++}) var<storage, read_write> out${j}: array<${storageType(o.dtype)}>;`,
        );
        bufs.push(ob[j]);
      });
    if (partial !== 'none')
      decl.push(
        `@group(0) @binding(${b++}) var<storage, ${partial === 'w' ? 'read_write' : 'read'}> part: array<S>;`,
      );
    const lets = [
      'let outs = pu(0u);',
      'let cnt = i32(pu(1u));',
      `let xoff = p(${xOffAt}u);`,
      `let G = pu(${groupsAt}u);`,
      ...qAt.map((at, i) => `let q${i} = pf(${at}u);`),
    ].join('\n  ');
    const lib = `${paramDecl(prm.length)}
${decl.join('\n')}
const WG: u32 = ${mode === 'thread' ? 64 : wg}u;
struct S { ${def.state(ct)} }
${fns.keptFns[0]}
${fns.redFns[0]}
fn s_comb(a: S, b: S) -> S {
  ${def.comb(ct)}
}
fn s_add(s: S, x: ${ct}, r: i32) -> S {
  ${def.add(ct)}
}
fn s_init() -> S { return ${def.init(ct)}; }
${qAt.map((at, i) => `fn q${i}f() -> f32 { return pf(${at}u); }`).join('\n')}
${withInput ? `fn load(o: i32) -> ${ct} { return ${conv('bx[o]', xs, ct)}; }` : ''}
var<workgroup> sh: array<S, ${mode === 'thread' ? 1 : wg}>;
fn tree(t: u32) -> S {
  for (var w: u32 = WG / 2u; w > 0u; w = w >> 1u) {
    if (t < w) { sh[t] = s_comb(sh[t], sh[t + w]); }
    workgroupBarrier();
  }
  return sh[0];
}`;
    return { lib, lets, bufs };
  };
  const write = def.write(outs, ct);
  const keyBase = `red|${name}${variant}|${ct}|${xs}|${outs.map((o) => o.dtype).join(',')}|${fns.key}|${wg}`;
  const finish = (code: string) => withHelpers(expandNorm(code, variant));

  if (sched.mode === 'thread') {
    const c = common('thread', true, true, 'none');
    const pipeline = be.pipeline(`${keyBase}|thread`, () =>
      finish(`${c.lib}
@compute @workgroup_size(64)
fn main(${MAIN_ARGS}) {
  ${c.lets}
  let k = ${LINEAR_ID};
  if (k >= outs) { return; }
  let base = xoff + koff0(k);
  var s = s_init();
  for (var r: i32 = 0; r < cnt; r = r + 1) { s = s_add(s, load(base + roff0(u32(r))), r); }
  ${write}
}`),
    );
    be.dispatch({
      pipeline,
      params: prm.toArray(),
      pooled: c.bufs,
      workgroups: be.grid(Math.ceil(plan.outs / 64)),
    });
    return;
  }

  const groupBody = (source: 'input' | 'partial') => `
  let k = ${GROUP_ID};
  if (k >= outs) { return; }
  let t = lid.x;
  var s = s_init();
  ${
    source === 'input'
      ? `let base = xoff + koff0(k);
  for (var r: u32 = t; r < u32(cnt); r = r + WG) { s = s_add(s, load(base + roff0(r)), i32(r)); }`
      : 'for (var j: u32 = t; j < G; j = j + WG) { s = s_comb(s, part[k * G + j]); }'
  }
  sh[t] = s;
  workgroupBarrier();
  let res = tree(t);
  if (t == 0u) {
    let s = res;
    ${write}
  }`;

  if (sched.mode === 'group') {
    const c = common('group', true, true, 'none');
    const pipeline = be.pipeline(`${keyBase}|group`, () =>
      finish(`${c.lib}
@compute @workgroup_size(${wg})
fn main(${MAIN_ARGS}) {
  ${c.lets}
  ${groupBody('input')}
}`),
    );
    be.dispatch({
      pipeline,
      params: prm.toArray(),
      pooled: c.bufs,
      workgroups: be.grid(plan.outs),
    });
    return;
  }

  // split: pass 1 writes G partial states per output, pass 2 combines them.
  const G = sched.groups;
  const stateWords = def.state(ct).split(',').length;
  const part = be.acquire(plan.outs * G * stateWords * 4);
  const c1 = common('group', true, false, 'w');
  const p1 = be.pipeline(`${keyBase}|split1`, () =>
    finish(`${c1.lib}
@compute @workgroup_size(${wg})
fn main(${MAIN_ARGS}) {
  ${c1.lets}
  let g = ${GROUP_ID};
  if (g >= outs * G) { return; }
  let k = g / G;
  let chunk = g % G;
  let per = (u32(cnt) + G - 1u) / G;
  let lo = chunk * per;
  let hi = min(u32(cnt), lo + per);
  let t = lid.x;
  let base = xoff + koff0(k);
  var s = s_init();
  for (var r: u32 = lo + t; r < hi; r = r + WG) { s = s_add(s, load(base + roff0(r)), i32(r)); }
  sh[t] = s;
  workgroupBarrier();
  let res = tree(t);
  if (t == 0u) { part[g] = res; }
}`),
  );
  be.dispatch({
    pipeline: p1,
    params: prm.toArray(),
    pooled: [...c1.bufs, part],
    workgroups: be.grid(plan.outs * G),
  });
  const c2 = common('group', false, true, 'r');
  const p2 = be.pipeline(`${keyBase}|split2`, () =>
    finish(`${c2.lib}
@compute @workgroup_size(${wg})
fn main(${MAIN_ARGS}) {
  ${c2.lets}
  ${groupBody('partial')}
}`),
  );
  be.dispatch({
    pipeline: p2,
    params: prm.toArray(),
    pooled: [...c2.bufs, part],
    workgroups: be.grid(plan.outs),
  });
  be.release(part);
}

for (const [name, def] of Object.entries(REDUCTIONS))
  registerKernel(name, 'webgpu', ({ inputs: [x], outputs, attrs }: Args) =>
    runReduce(name, def, x, attrs.dims as number[], outputs, attrs),
  );

/**
 * 'prodOthers': per element, the product of the other elements of its reduction group (zero-safe).
 * One invocation per group walks it twice (count zeros and the product of non-zeros, then write).
 */
registerKernel('prodOthers', 'webgpu', ({ inputs: [x], outputs: [out], attrs }: Args) => {
  const be = gpu();
  const plan = planReduce(x.shape, [x.strides, out.strides], attrs.dims as number[]);
  if (plan.outs === 0 || plan.count === 0) return;
  const prm = new Params();
  const fns = planParams(prm, plan, 2);
  const xOffAt = prm.int(x.offset);
  const xs = storageType(x.dtype);
  const os = storageType(out.dtype);
  const ct = computeType(out.dtype);
  const zero = ct === 'f32' ? '0.0' : '0';
  const one = ct === 'f32' ? '1.0' : '1';
  const bufs = [inBuf(be, x), outBuf(be, out)];
  const pipeline = be.pipeline(`prodOthers|${xs}|${os}|${fns.key}`, () =>
    withHelpers(`${paramDecl(prm.length)}
@group(0) @binding(1) var<storage, read> bx: array<${xs}>;
@group(0) @binding(2) var<storage, read_write> bo: array<${os}>;
const WG: u32 = 64u;
${fns.keptFns.join('\n')}
${fns.redFns.join('\n')}
@compute @workgroup_size(64)
fn main(${MAIN_ARGS}) {
  let k = ${LINEAR_ID};
  if (k >= pu(0u)) { return; }
  let cnt = pu(1u);
  let xb = p(${xOffAt}u) + koff0(k);
  let ob = koff1(k);
  var zeros = 0u;
  var zeroAt = 0u;
  var prod: ${ct} = ${one};
  for (var r: u32 = 0u; r < cnt; r = r + 1u) {
    let v = ${conv('bx[xb + roff0(r)]', xs, ct)};
    if (v == ${zero}) { zeros = zeros + 1u; zeroAt = r; } else { prod = prod * v; }
  }
  for (var r: u32 = 0u; r < cnt; r = r + 1u) {
    var res: ${ct} = ${zero};
    if (zeros == 0u) { res = prod / ${conv('bx[xb + roff0(r)]', xs, ct)}; }
    else if (zeros == 1u && r == zeroAt) { res = prod; }
    bo[ob + roff1(r)] = ${conv('res', ct, os)};
  }
}`),
  );
  be.dispatch({
    pipeline,
    params: prm.toArray(),
    pooled: bufs,
    workgroups: be.grid(Math.ceil(plan.outs / 64)),
  });
});
