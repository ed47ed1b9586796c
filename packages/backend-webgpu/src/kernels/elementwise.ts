/**
 * Elementwise kernels (unary, parameterised unary, binary, comparisons, predicates, where, clamp)
 * and 'copy', all instances of the strided map template with the expressions of ../ops.ts.
 */
import { type KernelArgs, registerKernel } from '@kindling/core';
import type { WebGPUHandle } from '../backend.js';
import {
  computeType,
  conv,
  type GpuTensor,
  inOperand,
  numelOf,
  outOperand,
  runMap,
  storageType,
  type WType,
} from '../codegen.js';
import { gpu } from '../device.js';
import { BINARY, CLAMP, COMPARE, type EwDef, PARAM_UNARY, PREDICATE, UNARY } from '../ops.js';

type Args = KernelArgs<WebGPUHandle>;

const NAMES = ['a', 'b', 'c'];

/**
 * One elementwise op: inputs are loaded and converted to the compute type, `def`'s expression is
 * evaluated, and the result converted to the output's storage type.
 */
export function runElementwise(
  key: string,
  def: EwDef,
  inputs: readonly GpuTensor[],
  out: GpuTensor,
  q: readonly number[] = [],
): void {
  const be = gpu();
  const ct = computeType(inputs[0].dtype);
  const useInt = ct === 'i32' && def.i !== undefined;
  const calc: WType = useInt ? 'i32' : 'f32';
  const expr = useInt ? def.i! : def.f;
  const operands = [...inputs.map((t) => inOperand(be, t)), outOperand(be, out)];
  const lines: string[] = [];
  q.forEach((_, i) => {
    lines.push(`let q${i} = pf(X${i});`);
  });
  inputs.forEach((t, k) => {
    lines.push(`let ${NAMES[k]} = ${conv(`b${k}[o${k}]`, storageType(t.dtype), calc)};`);
  });
  const n = inputs.length;
  lines.push(`b${n}[o${n}] = ${conv(`(${expr})`, def.bool ? 'bool' : calc, storageType(out.dtype))};`);
  runMap(be, {
    key: `ew:${key}:${calc}`,
    shape: out.shape,
    operands,
    body: lines.join('\n  '),
    extra: q.map((f) => ({ f })),
  });
}

for (const [name, def] of Object.entries(UNARY))
  registerKernel(name, 'webgpu', ({ inputs, outputs }: Args) =>
    runElementwise(name, def, inputs, outputs[0]),
  );

for (const [name, pd] of Object.entries(PARAM_UNARY))
  registerKernel(name, 'webgpu', ({ inputs, outputs, attrs }: Args) => {
    const { expr, variant } = pd.f(attrs);
    const q = pd.attrs.map((a) => Number(attrs[a]));
    runElementwise(`${name}${variant}`, { f: expr }, inputs, outputs[0], q);
  });

for (const table of [BINARY, COMPARE, PREDICATE])
  for (const [name, def] of Object.entries(table))
    registerKernel(name, 'webgpu', ({ inputs, outputs }: Args) =>
      runElementwise(name, def, inputs, outputs[0]),
    );

registerKernel('clamp', 'webgpu', ({ inputs, outputs, attrs }: Args) => {
  const which = attrs.hasMin && attrs.hasMax ? 'both' : attrs.hasMin ? 'lo' : 'hi';
  runElementwise(`clamp${which}`, CLAMP[which], inputs, outputs[0]);
});

/** where(cond, a, b): values pass through unconverted (a, b already have the output dtype). */
registerKernel('where', 'webgpu', ({ inputs: [c, a, b], outputs: [out] }: Args) => {
  const be = gpu();
  const st = storageType(out.dtype);
  const cond = conv('b0[o0]', storageType(c.dtype), 'bool');
  runMap(be, {
    key: `where:${c.dtype}:${a.dtype}:${b.dtype}`,
    shape: out.shape,
    operands: [inOperand(be, c), inOperand(be, a), inOperand(be, b), outOperand(be, out)],
    body: `b3[o3] = select(${conv('b2[o2]', storageType(b.dtype), st)}, ${conv('b1[o1]', storageType(a.dtype), st)}, ${cond});`,
  });
});

function isContiguousFrom(t: GpuTensor): boolean {
  let expected = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    if (t.shape[i] === 1) continue;
    if (t.strides[i] !== expected) return false;
    expected *= t.shape[i];
  }
  return true;
}

/** 'copy': strided (possibly broadcast) source into a strided destination, converting dtype. */
registerKernel('copy', 'webgpu', ({ inputs: [src], outputs: [dst] }: Args) => {
  const be = gpu();
  const n = numelOf(dst.shape);
  if (n === 0) return;
  const covers = n === dst.data.numel && dst.offset === 0 && isContiguousFrom(dst);
  const sameBuffer = src.data.buf === dst.data.buf;
  if (covers) dst.data.zero = false;
  else be.materialize(dst.data);
  if (src.data.zero && covers && src.dtype === dst.dtype && !sameBuffer) {
    // Copying zeros over the whole destination: it becomes lazily zero too.
    be.clear(be.bufOf(dst.data), n * 4);
    return;
  }
  let srcOp = inOperand(be, src);
  if (src.dtype === dst.dtype && isContiguousFrom(src) && isContiguousFrom(dst) && !sameBuffer) {
    be.copyBuffer(srcOp.buf, be.bufOf(dst.data), n * 4, src.offset * 4, dst.offset * 4);
    return;
  }
  const tmp = sameBuffer ? be.acquire(src.data.numel * 4) : null;
  if (tmp) {
    // A kernel cannot read and write one buffer through two bindings: copy the source away first.
    be.copyBuffer(srcOp.buf, tmp, src.data.numel * 4);
    srcOp = { ...srcOp, buf: tmp };
  }
  const from = storageType(src.dtype);
  const to = storageType(dst.dtype);
  runMap(be, {
    key: `copy:${from}:${to}`,
    shape: dst.shape,
    operands: [srcOp, outOperand(be, dst)],
    body: `b1[o1] = ${conv('b0[o0]', from, to)};`,
  });
  if (tmp) be.release(tmp);
});

/**
 * 'add_' (core's optional in-place kernel, see docs/architecture.md): outputs[0] is inputs[0], an
 * existing contiguous float tensor, and becomes x + alpha·y in one pass with no temporaries. The
 * product is formed in its own statement as the out-of-place add(x, mul(y, alpha)) does; a shader
 * compiler may still contract it into a fused multiply-add, so results agree with the general path
 * within rounding rather than bit for bit.
 */
registerKernel('add_', 'webgpu', ({ inputs: [, y], outputs: [out], attrs }: Args) => {
  const be = gpu();
  const n = numelOf(out.shape);
  if (n === 0) return;
  be.materialize(out.data);
  const type = storageType(out.dtype);
  let yOp = inOperand(be, y);
  // One buffer cannot be bound twice when one binding writes: copy y away if it shares x's storage.
  const tmp = y.data.buf === out.data.buf ? be.acquire(y.data.numel * 4) : null;
  if (tmp) {
    be.copyBuffer(yOp.buf, tmp, y.data.numel * 4);
    yOp = { ...yOp, buf: tmp };
  }
  runMap(be, {
    key: `add_:${type}`,
    shape: out.shape,
    operands: [{ buf: be.bufOf(out.data), type, strides: out.strides, offset: out.offset, write: true }, yOp],
    body: `let t = pf(X0) * ${conv('b1[o1]', storageType(y.dtype), 'f32')};\n  b0[o0] = ${conv(`${conv('b0[o0]', type, 'f32')} + t`, 'f32', type)};`,
    extra: [{ f: Number(attrs.alpha) }],
  });
  if (tmp) be.release(tmp);
});
