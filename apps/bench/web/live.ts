/**
 * "Run here": the runner's workloads in the visitor's browser, on the Kindling backends that load
 * here (cpu; wasm, with threads when the page is cross-origin isolated; webgpu when an adapter
 * exists) and on TensorFlow.js cpu/wasm for comparison.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import tfWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import tfWasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import tfWasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { type Discovery, discoverKindling, discoverTfjs, kernelMatrix } from '../src/engines.js';
import { type ProgressEvent, runWorkloads } from '../src/harness.js';
import { quickVariant, WORKLOADS } from '../src/workloads/defs.js';
import type { BenchReport, Engine } from '../src/workloads/types.js';

let adapterName: string | null = null;

async function prepareWebgpu(): Promise<string | null> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'this browser exposes no navigator.gpu';
  const adapter = (await gpu.requestAdapter()) as {
    info?: { vendor?: string; architecture?: string };
  } | null;
  if (!adapter) return 'no WebGPU adapter';
  adapterName = [adapter.info?.vendor, adapter.info?.architecture].filter(Boolean).join(' / ') || 'unknown';
  return null;
}

export interface LiveEnv extends Discovery {
  kernels: Record<string, string[]>;
  isolated: boolean;
  adapter: string | null;
}

let discovered: Promise<LiveEnv> | null = null;

/** Imports the backends once (this also fills the kernel registry for the support matrix). */
export function liveEnv(): Promise<LiveEnv> {
  discovered ??= (async () => {
    const isolated = globalThis.crossOriginIsolated === true;
    const kindling = await discoverKindling(() => true, {
      cpu: () => import('@kindling/backend-cpu'),
      // `as string` keeps tsc out of packages still being written; Vite still bundles the literal.
      wasm: () => import('@kindling/backend-wasm' as string),
      webgpu: () => import('@kindling/backend-webgpu' as string),
      prepareWebgpu,
      wasmThreads: () =>
        isolated
          ? { n: Math.max(1, navigator.hardwareConcurrency || 1) }
          : { n: 0, reason: 'the page is not cross-origin isolated (COOP/COEP), so no shared memory' },
    });
    setWasmPaths({
      'tfjs-backend-wasm.wasm': tfWasm,
      'tfjs-backend-wasm-simd.wasm': tfWasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': tfWasmThreaded,
    });
    // tfjs-wasm's threaded build starts Emscripten pthread workers from a blob of its own source,
    // which does not survive bundling ("e is not defined"); use its single-thread SIMD build, as
    // in Node.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const peers = await discoverTfjs(tf, () => true, ['cpu', 'wasm']);
    return {
      engines: [...kindling.engines, ...peers.engines],
      skipped: [...kindling.skipped, ...peers.skipped],
      kernels: kernelMatrix(),
      isolated,
      adapter: adapterName,
    };
  })();
  return discovered;
}

export interface LiveOptions {
  engines: string[];
  workloads: string[];
  quick: boolean;
  onProgress?: (e: ProgressEvent) => void;
}

/** Runs the chosen workloads here and returns a report shaped like the runner's JSON. */
export async function runLive(opts: LiveOptions): Promise<BenchReport> {
  const env = await liveEnv();
  const startedAt = new Date().toISOString();
  const workloads = WORKLOADS.filter((w) => opts.workloads.includes(w.id)).map((w) =>
    opts.quick ? quickVariant(w) : w,
  );
  const engines: Engine[] = env.engines.filter((e) => opts.engines.includes(e.id));
  const reference = env.engines.find((e) => e.id === 'cpu') ?? null;
  const results = await runWorkloads({
    workloads,
    engines,
    reference,
    ctx: {},
    onProgress: opts.onProgress,
    yieldEvery: () => new Promise((r) => setTimeout(r, 0)),
  });
  const nav = navigator as Navigator & { deviceMemory?: number };
  return {
    schema: 1,
    tool: '@kindling/bench',
    startedAt,
    finishedAt: new Date().toISOString(),
    runtime: 'browser',
    command: 'dashboard: run here',
    options: { quick: opts.quick, repeat: null, filter: opts.workloads, backends: opts.engines },
    machine: {
      userAgent: navigator.userAgent,
      logicalCores: navigator.hardwareConcurrency,
      deviceMemoryGiB: nav.deviceMemory ?? null,
      crossOriginIsolated: env.isolated,
      webgpuAdapter: env.adapter,
    },
    versions: { '@tensorflow/tfjs': tf.version.tfjs },
    workloads: workloads.map(({ id, group, title, unit, higherIsBetter, params }) => ({
      id,
      group,
      title,
      unit,
      higherIsBetter,
      params,
    })),
    engines: engines.map(({ id, label, kind, info }) => ({ id, label, kind, info })),
    skipped: env.skipped,
    kernels: env.kernels,
    results,
  };
}
