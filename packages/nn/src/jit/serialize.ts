/**
 * `jit.save` / `jit.load`: one file, a standard safetensors file.
 *
 * Format (version 1):
 * - the tensors are the graph's parameters and buffers under their `stateDict` names, and its
 *   constants under `__constants__.<i>`;
 * - the safetensors header's `__metadata__` holds three strings: `format` = `kindling.jit`,
 *   `kindling.jit.version` = `1`, and `kindling.jit.graph` = the graph as JSON (see ./ir.ts: value
 *   table, inputs, params, constants, nodes, output).
 * Any safetensors reader can list and load the weights; `jit.load` validates the whole graph
 * (known version, only replayable ops, every value defined once before use, every tensor present
 * with the recorded shape and dtype) before building the module.
 */
import type * as k from '@kindling/core';
import { loadSafetensors, parseSafetensorsHeader, saveSafetensors } from '../safetensors.js';
import { GRAPH_VERSION, validateGraph } from './ir.js';
import { TracedModule } from './traced-module.js';

type Tensor = k.Tensor;

/** The `format` metadata value of a Kindling jit file. */
export const JIT_FORMAT = 'kindling.jit';

/** Serialises a traced module (graph + weights + constants) to one safetensors file. */
export function save(module: TracedModule): Uint8Array {
  if (!(module instanceof TracedModule))
    throw new TypeError('jit.save: expected a TracedModule (from jit.trace or jit.load)');
  const g = module.graph;
  const tensors: Record<string, Tensor> = {};
  const sd = module.stateDict({ keepVars: true });
  for (const p of g.params) {
    const t = sd[p.name];
    if (!t) throw new Error(`jit.save: tensor '${p.name}' is missing from the module`);
    tensors[p.name] = t;
  }
  const all = new Map(module.namedBuffers());
  g.constants.forEach((c) => {
    const t = all.get(c.name);
    if (!t) throw new Error(`jit.save: constant '${c.name}' is missing from the module`);
    tensors[c.name] = t;
  });
  return saveSafetensors(tensors, {
    format: JIT_FORMAT,
    'kindling.jit.version': String(GRAPH_VERSION),
    'kindling.jit.graph': JSON.stringify(g),
  });
}

/** Options of `jit.load`. */
export interface JitLoadOptions {
  /** Device to load the tensors on (default: the default device). */
  device?: string;
}

function fail(msg: string): never {
  throw new Error(`jit.load: ${msg}`);
}

/**
 * Loads a file written by `jit.save` into a `TracedModule` that runs without the original model
 * code. Malformed or foreign files raise an error saying what is wrong.
 */
export function load(bytes: Uint8Array | ArrayBuffer, opts: JitLoadOptions = {}): TracedModule {
  let header: ReturnType<typeof parseSafetensorsHeader>;
  try {
    header = parseSafetensorsHeader(bytes);
  } catch (e) {
    fail(`not a Kindling jit file (it is not valid safetensors: ${(e as Error).message})`);
  }
  const meta = header.metadata ?? {};
  if (meta.format !== JIT_FORMAT)
    fail(
      `not a Kindling jit file (safetensors metadata 'format' is ${meta.format === undefined ? 'missing' : JSON.stringify(meta.format)}, expected '${JIT_FORMAT}'); plain weights load with loadSafetensors`,
    );
  if (meta['kindling.jit.version'] !== String(GRAPH_VERSION))
    fail(
      `unsupported jit file version ${JSON.stringify(meta['kindling.jit.version'])} (this Kindling reads version ${GRAPH_VERSION})`,
    );
  const text = meta['kindling.jit.graph'];
  if (typeof text !== 'string') fail("the file has no 'kindling.jit.graph' metadata");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    fail(`the graph is not valid JSON (${(e as Error).message})`);
  }
  const graph = validateGraph(parsed);
  let tensors: Record<string, Tensor>;
  try {
    tensors = loadSafetensors(bytes, { device: opts.device });
  } catch (e) {
    fail(`could not read the tensors: ${(e as Error).message}`);
  }
  const check = (name: string, id: number): Tensor => {
    const t = tensors[name];
    if (!t) fail(`tensor '${name}' is listed in the graph but missing from the file`);
    const info = graph.values[id];
    if (t.dtype !== info.dtype || t.shape.join(',') !== info.shape.join(','))
      fail(
        `tensor '${name}' has shape [${t.shape.join(', ')}] and dtype ${t.dtype}, but the graph expects [${info.shape.join(', ')}] and ${info.dtype}`,
      );
    return t;
  };
  const byName = new Map<string, Tensor>();
  for (const p of graph.params) byName.set(p.name, check(p.name, p.value));
  const constants = graph.constants.map((c) => check(c.name, c.value));
  return TracedModule._create(graph, byName, constants, [], () => false);
}
