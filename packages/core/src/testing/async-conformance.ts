/**
 * The conformance suite for devices without synchronous reads (webgpu): `runCaseAsync` builds a
 * case's inputs directly on the device (writes are synchronous everywhere), runs it, reads every
 * output and gradient back with `await tensor.data()`, and compares with the cpu backend (and with
 * the case's `expected` values). It mirrors `runCase` for non-cpu devices.
 */
import { getDefaultDevice, setDefaultDevice, type Tensor } from '../index.js';
import { asList, type Built, build, checkMeta, closeAll, flat, gradientsVsCpu } from './case-runner.js';
import type { OpCase } from './conformance.js';

async function compareTo(
  where: string,
  got: Tensor,
  want: Tensor,
  atol: number,
  rtol: number,
): Promise<void> {
  checkMeta(where, got, want);
  closeAll(where, await got.data(), await want.data(), atol, rtol);
}

/**
 * Runs one case on `device` with asynchronous reads only: forward outputs (against `expected` and the
 * cpu backend) and, for differentiable cases, gradients against cpu's (tolerances x10, as `runCase`).
 */
export async function runCaseAsync(c: OpCase, device: string): Promise<void> {
  if (c.skipDevices?.includes(device)) return;
  const atol = c.atol ?? 1e-4;
  const rtol = c.rtol ?? 1e-4;
  const seed = 17;
  // Tensors a case creates inside `fn` (e.g. k.arange) go to the device under test.
  const prevDefault = getDefaultDevice();
  setDefaultDevice(device);
  let b: Built;
  let outs: Tensor[];
  try {
    b = build(c, device, null, seed);
    outs = asList(c.fn(...b.views(b.leaves)));
  } finally {
    setDefaultDevice(prevDefault);
  }
  if (c.expected !== undefined) {
    const exp = outs.length === 1 ? [c.expected] : (c.expected as unknown[]);
    for (let i = 0; i < outs.length; i++)
      closeAll(
        `${c.op} (${c.name}) on ${device}, output ${i} vs expected`,
        await outs[i].data(),
        flat(exp[i]),
        atol,
        rtol,
      );
  }
  const ref = build(c, 'cpu', null, seed);
  const refOuts = asList(c.fn(...ref.views(ref.leaves)));
  for (let i = 0; i < outs.length; i++)
    await compareTo(`${c.op} (${c.name}) on ${device}, output ${i}`, outs[i], refOuts[i], atol, rtol);
  const differentiable = !c.noGrad && b.leaves.some((t) => t.requiresGrad);
  if (!differentiable) return;
  const pairs = gradientsVsCpu(c, device, { outs, leaves: b.leaves, refOuts, refLeaves: ref.leaves }, (f) => {
    setDefaultDevice(device);
    try {
      return f();
    } finally {
      setDefaultDevice(prevDefault);
    }
  });
  for (const p of pairs) await compareTo(p.where, p.got, p.want, atol * 10, rtol * 10);
}
