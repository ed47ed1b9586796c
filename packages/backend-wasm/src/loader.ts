/**
 * Loads the AssemblyScript-built module: the relaxed-SIMD build where the engine validates relaxed
 * SIMD, else the plain SIMD build. Both declare a shared imported memory; where shared memory is
 * unavailable (browsers without cross-origin isolation) the import is patched to a plain memory
 * and the backend runs single-threaded.
 */

/** The smallest module using f32x4.relaxed_madd: `(func (result v128) (f32x4.relaxed_madd 0 0 0))`. */
const RELAXED_PROBE = (() => {
  const vconst = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...vconst, ...vconst, ...vconst, 0xfd, 0x85, 0x02, 0x0b];
  const code = [0x01, body.length, ...body];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    // type section: one type () -> v128
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7b,
    // function section: one function of type 0
    0x03,
    0x02,
    0x01,
    0x00,
    // code section
    0x0a,
    code.length,
    ...code,
  ]);
})();

/** Whether this engine validates relaxed SIMD (`f32x4.relaxed_madd`), so the relaxed build can load. */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** True where a shared WebAssembly.Memory can be created and handed to workers. */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean; process?: { versions?: { node?: string } } };
  if (g.process?.versions?.node) return true;
  return g.crossOriginIsolated === true;
}

export function isNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } } };
  return typeof g.process?.versions?.node === 'string';
}

async function readBytes(url: URL): Promise<Uint8Array> {
  if (isNode() && url.protocol === 'file:') {
    const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
    return new Uint8Array(await fs.readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`wasm backend: failed to fetch ${url.href}: ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

function readLeb(bytes: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [result, pos];
  }
}

/**
 * Rewrites the memory import's limits flag from shared (0x03) to unshared (0x01) in place, for
 * engines without shared memory. Returns a patched copy.
 */
export function unshareMemoryImport(src: Uint8Array): Uint8Array {
  const bytes = src.slice();
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++];
    let size: number;
    [size, pos] = readLeb(bytes, pos);
    const end = pos + size;
    if (id === 2) {
      let count: number;
      let p = pos;
      [count, p] = readLeb(bytes, p);
      for (let i = 0; i < count; i++) {
        let len: number;
        [len, p] = readLeb(bytes, p);
        p += len; // module name
        [len, p] = readLeb(bytes, p);
        p += len; // field name
        const kind = bytes[p++];
        if (kind === 0x00) [, p] = readLeb(bytes, p);
        else if (kind === 0x01) {
          p++; // reftype
          const flags = bytes[p++];
          [, p] = readLeb(bytes, p);
          if (flags & 1) [, p] = readLeb(bytes, p);
        } else if (kind === 0x02) {
          if (bytes[p] === 0x03) bytes[p] = 0x01;
          return bytes;
        } else if (kind === 0x03) p += 2;
      }
      return bytes;
    }
    pos = end;
  }
  return bytes;
}

export interface LoadedModule {
  module: WebAssembly.Module;
  relaxed: boolean;
  shared: boolean;
}

/** Compiles the module for this engine. `wasmUrl` overrides where the .wasm files are found. */
export async function loadModule(
  opts: { relaxed?: boolean; shared?: boolean; baseUrl?: URL } = {},
): Promise<LoadedModule> {
  const relaxed = opts.relaxed ?? relaxedSimdSupported();
  const shared = opts.shared ?? sharedMemorySupported();
  const url = opts.baseUrl
    ? new URL(relaxed ? 'kindling-relaxed.wasm' : 'kindling.wasm', opts.baseUrl)
    : relaxed
      ? new URL('../build/kindling-relaxed.wasm', import.meta.url)
      : new URL('../build/kindling.wasm', import.meta.url);
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(url);
  } catch (e) {
    throw new Error(
      `wasm backend: cannot load ${url.href} (${(e as Error).message}); build it with 'pnpm --filter @kindling/backend-wasm build:wasm'`,
    );
  }
  if (!shared) bytes = unshareMemoryImport(bytes);
  const module = await WebAssembly.compile(bytes as BufferSource);
  return { module, relaxed, shared };
}
