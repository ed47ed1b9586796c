/**
 * Node's engines: the Kindling backends that import and initialise, TensorFlow.js cpu/wasm and
 * onnxruntime-node. WebGPU in Node goes through Dawn (the `webgpu` package) on SwiftShader.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Discovery, discoverKindling, discoverTfjs } from '../engines.js';
import type { Engine, SkippedEngine } from '../workloads/types.js';
import { ortImpls } from './ort.js';

export const ALL_ENGINES = ['cpu', 'wasm', 'wasm-mt', 'webgpu', 'tfjs-cpu', 'tfjs-wasm', 'ort'] as const;

/** Keeps Dawn's GPU object alive for the whole process (collecting it crashes Dawn). */
let dawnGpu: unknown = null;

async function prepareDawn(): Promise<string | null> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return null;
  // Without a GPU, Dawn runs on the SwiftShader Vulkan driver that Debian's chromium ships.
  if (!process.env.VK_ICD_FILENAMES && existsSync('/usr/lib/chromium/vk_swiftshader_icd.json'))
    process.env.VK_ICD_FILENAMES = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (!process.env.XDG_RUNTIME_DIR)
    process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'kindling-xdg-'));
  try {
    const dawn = (await import('webgpu' as string)) as unknown as {
      create: (flags: string[]) => { requestAdapter(): Promise<unknown> };
      globals: Record<string, unknown>;
    };
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    dawnGpu = gpu;
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'no WebGPU adapter (Dawn found no Vulkan device)';
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    return null;
  } catch (e) {
    return `Dawn (webgpu package) unavailable: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
  }
}

/** Keeps the reference so linters and bundlers see it used. */
export function dawnInstance(): unknown {
  return dawnGpu;
}

function quiet<T>(fn: () => Promise<T>): Promise<T> {
  // tfjs prints advice about tfjs-node on first use; keep the terminal table clean.
  const log = console.log;
  const warn = console.warn;
  console.log = () => {};
  console.warn = () => {};
  return fn().finally(() => {
    console.log = log;
    console.warn = warn;
  });
}

export interface NodeDiscovery extends Discovery {
  versions: Record<string, string>;
}

export async function discoverNodeEngines(wanted: string[]): Promise<NodeDiscovery> {
  const set = new Set(wanted.length ? wanted : ALL_ENGINES);
  const want = (id: string) => set.has(id);
  const versions: Record<string, string> = {};
  const kindling = await discoverKindling(want, {
    cpu: () => import('@kindling/backend-cpu'),
    wasm: () => import('@kindling/backend-wasm' as string),
    webgpu: () => import('@kindling/backend-webgpu' as string),
    prepareWebgpu: prepareDawn,
    wasmThreads: () => {
      const n = availableParallelism();
      return n >= 2 ? { n } : { n: 0, reason: 'one core only' };
    },
  });
  const engines: Engine[] = [...kindling.engines];
  const skipped: SkippedEngine[] = [...kindling.skipped];

  if (want('tfjs-cpu') || want('tfjs-wasm')) {
    try {
      const tf = await quiet(async () => {
        const mod = await import('@tensorflow/tfjs');
        await import('@tensorflow/tfjs-backend-wasm');
        return mod;
      });
      versions['@tensorflow/tfjs'] = tf.version.tfjs;
      const d = await quiet(() => discoverTfjs(tf, want, ['cpu', 'wasm']));
      engines.push(...d.engines);
      skipped.push(...d.skipped);
    } catch (e) {
      for (const id of ['tfjs-cpu', 'tfjs-wasm'].filter(want))
        skipped.push({ id, label: id, kind: 'peer', reason: String(e) });
    }
  }

  if (want('ort')) {
    try {
      const ort = await import('onnxruntime-node');
      const version = ort.env.versions?.node ?? 'unknown';
      versions['onnxruntime-node'] = version;
      engines.push({
        id: 'ort',
        label: 'onnxruntime-node (native)',
        kind: 'peer',
        info: { library: 'onnxruntime-node', version, threads: 'default (one per core)' },
        activate: async () => {},
        impls: ortImpls(ort),
      });
    } catch (e) {
      skipped.push({
        id: 'ort',
        label: 'onnxruntime-node',
        kind: 'peer',
        reason: (e instanceof Error ? e.message : String(e)).split('\n')[0],
      });
    }
  }
  const order = new Map<string, number>(ALL_ENGINES.map((id, i) => [id, i]));
  engines.sort((a, b) => (order.get(a.id) ?? 99) - (order.get(b.id) ?? 99));
  return { engines, skipped, versions };
}
