/**
 * Engine discovery shared by Node and the browser: Kindling backends are imported dynamically
 * and used only when they register and initialise; anything missing becomes a skipped engine
 * with its reason. Browser-safe; the Node runner adds onnxruntime-node and Dawn on top.
 */

import * as k from '@kindling/core';
import type * as tfNs from '@tensorflow/tfjs';
import { kindlingImpls } from './workloads/kindling.js';
import { tfjsImpls } from './workloads/tfjs.js';
import type { Engine, SkippedEngine } from './workloads/types.js';

export interface Discovery {
  engines: Engine[];
  skipped: SkippedEngine[];
}

function errText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

type ThreadControl = { setNumThreads?: (n: number) => void | Promise<void>; getNumThreads?: () => number };

function features(device: string): Record<string, unknown> {
  try {
    return { ...(k.getBackend(device).features ?? {}) };
  } catch {
    return {};
  }
}

function kindlingEngine(
  id: string,
  device: string,
  label: string,
  before?: () => void | Promise<void>,
): Engine {
  return {
    id,
    label,
    kind: 'kindling',
    info: { device, ...features(device) },
    activate: async () => {
      await k.initBackend(device);
      await before?.();
      k.setDefaultDevice(device);
    },
    impls: kindlingImpls(device),
  };
}

export interface KindlingLoaders {
  /** Imports that register each backend (e.g. `() => import('@kindling/backend-wasm')`). */
  cpu: () => Promise<unknown>;
  wasm?: () => Promise<unknown>;
  webgpu?: () => Promise<unknown>;
  /** Prepares WebGPU (e.g. installs Dawn's `navigator.gpu` in Node). Returns a reason when impossible. */
  prepareWebgpu?: () => Promise<string | null>;
  /** Threads for the multi-threaded wasm engine (0: not possible here, with the reason). */
  wasmThreads: () => { n: number; reason?: string };
}

/** Imports the Kindling backends and returns the engines that work here. */
export async function discoverKindling(
  want: (id: string) => boolean,
  load: KindlingLoaders,
): Promise<Discovery> {
  const engines: Engine[] = [];
  const skipped: SkippedEngine[] = [];
  const skip = (id: string, label: string, reason: string) =>
    skipped.push({ id, label, kind: 'kindling', reason });

  if (want('cpu')) {
    try {
      await load.cpu();
      await k.initBackend('cpu');
      engines.push(kindlingEngine('cpu', 'cpu', 'Kindling cpu (TypeScript)'));
    } catch (e) {
      skip('cpu', 'Kindling cpu', errText(e));
    }
  }

  if (want('wasm') || want('wasm-mt')) {
    let mod: ThreadControl | null = null;
    let reason = '';
    try {
      if (!load.wasm) throw new Error('not loadable here');
      mod = (await load.wasm()) as ThreadControl;
      if (!k.hasBackend('wasm'))
        throw new Error("@kindling/backend-wasm did not register a 'wasm' backend yet");
      await k.initBackend('wasm');
    } catch (e) {
      reason = errText(e);
      mod = null;
    }
    if (!mod) {
      if (want('wasm')) skip('wasm', 'Kindling wasm', reason);
      if (want('wasm-mt')) skip('wasm-mt', 'Kindling wasm (threads)', reason);
    } else {
      const set = mod.setNumThreads;
      const threads = load.wasmThreads();
      if (want('wasm'))
        engines.push(kindlingEngine('wasm', 'wasm', 'Kindling wasm (SIMD, 1 thread)', () => set?.(1)));
      if (want('wasm-mt')) {
        if (!set)
          skip('wasm-mt', 'Kindling wasm (threads)', '@kindling/backend-wasm exports no setNumThreads');
        else if (threads.n < 2) skip('wasm-mt', 'Kindling wasm (threads)', threads.reason ?? 'one core only');
        else {
          const e = kindlingEngine('wasm-mt', 'wasm', `Kindling wasm (SIMD, ${threads.n} threads)`, () =>
            set(threads.n),
          );
          e.info.threads = threads.n;
          engines.push(e);
        }
      }
      if (want('wasm')) {
        const single = engines.find((e) => e.id === 'wasm');
        if (single) single.info.threads = 1;
      }
    }
  }

  if (want('webgpu')) {
    try {
      if (!load.webgpu) throw new Error('not loadable here');
      await load.webgpu();
      if (!k.hasBackend('webgpu'))
        throw new Error("@kindling/backend-webgpu did not register a 'webgpu' backend yet");
      const why = (await load.prepareWebgpu?.()) ?? null;
      if (why) throw new Error(why);
      await k.initBackend('webgpu');
      engines.push(kindlingEngine('webgpu', 'webgpu', 'Kindling webgpu'));
    } catch (e) {
      skip('webgpu', 'Kindling webgpu', errText(e));
    }
  }
  return { engines, skipped };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(message)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** tfjs engines for the given backends (`cpu`, `wasm`), as engines `tfjs-cpu`, `tfjs-wasm`. */
export async function discoverTfjs(
  tf: typeof tfNs,
  want: (id: string) => boolean,
  backends: Array<'cpu' | 'wasm'>,
): Promise<Discovery> {
  const engines: Engine[] = [];
  const skipped: SkippedEngine[] = [];
  for (const b of backends) {
    const id = `tfjs-${b}`;
    if (!want(id)) continue;
    try {
      const ok = await withTimeout(tf.setBackend(b), 60_000, `tf.setBackend('${b}') did not finish in 60 s`);
      if (!ok) throw new Error(`tf.setBackend('${b}') failed`);
      await tf.ready();
      // The first write prints a one-time hint about tfjs-node (the caller may silence it).
      tf.tensor1d([0]).dispose();
      engines.push({
        id,
        label: `TensorFlow.js ${b}`,
        kind: 'peer',
        info: {
          library: '@tensorflow/tfjs',
          version: tf.version.tfjs,
          backend: b,
          ...(await tfFlags(tf, b)),
        },
        activate: async () => {
          if (tf.getBackend() !== b) await tf.setBackend(b);
        },
        impls: tfjsImpls(tf),
      });
    } catch (e) {
      skipped.push({ id, label: `TensorFlow.js ${b}`, kind: 'peer', reason: errText(e) });
    }
  }
  return { engines, skipped };
}

async function tfFlags(tf: typeof tfNs, b: string): Promise<Record<string, unknown>> {
  if (b !== 'wasm') return {};
  const out: Record<string, unknown> = {};
  for (const f of ['WASM_HAS_SIMD_SUPPORT', 'WASM_HAS_MULTITHREAD_SUPPORT']) {
    try {
      out[f] = await tf.env().getAsync(f);
    } catch {
      // flag unknown in this version
    }
  }
  return out;
}

/** op → backends that register a kernel for it. */
export function kernelMatrix(): Record<string, string[]> {
  const m: Record<string, string[]> = {};
  for (const { op, backend } of k.listKernels()) (m[op] ??= []).push(backend);
  for (const op of Object.keys(m)) m[op].sort();
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => a.localeCompare(b)));
}
