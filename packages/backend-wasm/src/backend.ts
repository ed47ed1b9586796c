import { type Backend, bytesPerElement, type DType, type TypedArray } from '@kindling/core';
import { type AllocatorStats, WasmAllocator } from './allocator.js';
import { isNode, loadModule } from './loader.js';
import { CONTROL_BYTES, MAX_CHUNKS, MAX_WORKERS, ThreadPool } from './threads.js';

/** A storage on the wasm backend: the byte offset of its first element in the module's memory. */
export type WasmHandle = number;

/** The module's kernel entry points (see assembly/index.ts). Pointers are byte offsets. */
export interface WasmExports {
  heapBase(): number;
  zero(ptr: number, bytes: number): void;
  unary(
    op: number,
    tin: number,
    tout: number,
    desc: number,
    tmp: number,
    start: number,
    end: number,
    p0: number,
    p1: number,
    p2: number,
  ): void;
  binary(op: number, tin: number, tout: number, desc: number, tmp: number, start: number, end: number): void;
  ternary(
    op: number,
    tval: number,
    tsel: number,
    desc: number,
    tmp: number,
    start: number,
    end: number,
    p0: number,
  ): void;
  copy(tin: number, tout: number, desc: number, tmp: number, start: number, end: number): void;
  reduce(
    op: number,
    tin: number,
    tout: number,
    desc: number,
    tmp: number,
    inBase: number,
    outBase: number,
    start: number,
    end: number,
  ): void;
  gemmF32(...args: number[]): void;
  gemvF32(...args: number[]): void;
  gemmF64(...args: number[]): void;
  gemmI32(...args: number[]): void;
  gather(esz: number, dimStride: number, desc: number, tmp: number, start: number, end: number): void;
  scatter(
    dtype: number,
    esz: number,
    add: number,
    dimStride: number,
    desc: number,
    tmp: number,
    start: number,
    end: number,
  ): void;
  [name: string]: unknown;
}

/** Exports callable on worker threads (indices are the pool's function ids). */
export const THREAD_FUNCTIONS = [
  'unary',
  'binary',
  'ternary',
  'copy',
  'reduce',
  'gemmF32',
  'gemvF32',
  'gemmBatchF32',
  'gemmF64',
  'gemmI32',
  'conv2dF32',
  'softmax',
  'im2col',
  'col2im',
  'maxPool2d',
  'maxPool2dBackward',
  'gather',
  'axpy',
] as const;
export type ThreadFunction = (typeof THREAD_FUNCTIONS)[number];

/** dtype codes of the AssemblyScript side (assembly/common.ts). */
export const DT: Record<DType, number> = { float32: 0, float64: 1, int32: 2, bool: 3 };

const TMP_BYTES = 512;
/** Placeholders for a chunk's start and end in `parallel`'s argument templates. */
const START_MARK = -0x7ffff001;
const END_MARK = -0x7ffff002;
const DESC_BYTES = 8192;
const PAGE = 65536;

/** Options of `k.initBackend('wasm', options)`. */
export interface WasmBackendOptions {
  /** Force the relaxed-SIMD (true) or plain SIMD (false) build; default: what the engine validates. */
  relaxedSimd?: boolean;
  /** Force shared memory on or off (off means single-threaded); default: where available. */
  sharedMemory?: boolean;
  /** Largest size the heap may grow to, in bytes (default 4 GiB, the wasm32 limit). */
  maxMemoryBytes?: number;
  /** Where the .wasm files are served from (browsers with custom asset layouts). */
  wasmBaseUrl?: URL;
}

interface State {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  instance: WebAssembly.Instance;
  ex: WasmExports;
  alloc: WasmAllocator;
  relaxed: boolean;
  shared: boolean;
  pool: ThreadPool | null;
  scratch: number;
  desc: number;
  tmp: number;
  ctl: number;
  fnIds: Map<string, number>;
  gemmWs: number[];
}

interface NodeBufferCtor {
  from(buf: ArrayBufferLike, offset: number, length: number): { copy(target: Uint8Array): number };
}

function defaultThreads(): number {
  const g = globalThis as { navigator?: { hardwareConcurrency?: number } };
  const n = g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(4, n));
}

/**
 * The 'wasm' device: compiles the SIMD (or relaxed-SIMD) module, owns the allocator and the worker
 * pool, and runs the kernels registered for 'wasm'. One instance, `wasmBackend`, is registered on import.
 */
export class WasmBackend implements Backend<WasmHandle> {
  readonly name = 'wasm';
  private st: State | null = null;
  private options: WasmBackendOptions = {};
  private numThreads = 1;
  /** A thread count asked for before init (applied by init). */
  private requestedThreads: number | null = null;
  private buf: ArrayBuffer | SharedArrayBuffer | null = null;
  private u8v = new Uint8Array(0);
  private i32v = new Int32Array(0);
  private f32v = new Float32Array(0);
  private f64v = new Float64Array(0);

  /** Options for the next `init()` (call before `k.initBackend('wasm')`). */
  configure(opts: WasmBackendOptions): void {
    if (this.st) throw new Error('wasm backend: configure() must be called before initBackend("wasm")');
    this.options = { ...this.options, ...opts };
  }

  get initialized(): boolean {
    return this.st !== null;
  }

  async init(): Promise<void> {
    if (this.st) return;
    const { module, relaxed, shared } = await loadModule({
      relaxed: this.options.relaxedSimd,
      shared: this.options.sharedMemory,
      baseUrl: this.options.wasmBaseUrl,
    });
    const maxBytes = Math.min(this.options.maxMemoryBytes ?? 65536 * PAGE, 65536 * PAGE);
    let memory: WebAssembly.Memory | null = null;
    let maxPages = Math.floor(maxBytes / PAGE);
    // Shared memories reserve their maximum up front; retry smaller where the engine refuses.
    for (;;) {
      try {
        memory = new WebAssembly.Memory({ initial: Math.min(64, maxPages), maximum: maxPages, shared });
        break;
      } catch (e) {
        if (maxPages <= 1024) throw e;
        maxPages = Math.floor(maxPages / 4);
      }
    }
    const instance = new WebAssembly.Instance(module, {
      env: {
        memory,
        abort: () => {
          throw new Error('wasm backend: kernel aborted');
        },
      },
    });
    const ex = instance.exports as unknown as WasmExports;
    const alloc = new WasmAllocator(memory, ex.heapBase(), { maxBytes: maxPages * PAGE, zero: ex.zero });
    // Scratch: kernel descriptors, per-thread walker state, the thread pool's control block.
    const scratch = alloc.alloc(DESC_BYTES + TMP_BYTES * (MAX_WORKERS + 1) + CONTROL_BYTES);
    const fnIds = new Map<string, number>(THREAD_FUNCTIONS.map((n, i) => [n, i]));
    this.st = {
      module,
      memory,
      instance,
      ex,
      alloc,
      relaxed,
      shared,
      pool: null,
      scratch,
      desc: scratch,
      tmp: scratch + DESC_BYTES,
      ctl: scratch + DESC_BYTES + TMP_BYTES * (MAX_WORKERS + 1),
      fnIds,
      gemmWs: [],
    };
    let threads = this.requestedThreads ?? 1;
    if (shared && this.requestedThreads === null) {
      if (isNode()) {
        const os = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:os');
        threads = Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
      } else threads = defaultThreads();
    }
    await this.setNumThreads(threads);
  }

  private get s(): State {
    if (!this.st)
      throw new Error('wasm backend: not initialised; call \'await k.initBackend("wasm")\' first');
    return this.st;
  }

  get exports(): WasmExports {
    return this.s.ex;
  }

  get memory(): WebAssembly.Memory {
    return this.s.memory;
  }

  get allocator(): WasmAllocator {
    return this.s.alloc;
  }

  get features(): Readonly<Record<string, unknown>> {
    const st = this.st;
    return {
      simd: true,
      relaxedSimd: st?.relaxed ?? false,
      threads: this.numThreads,
      sharedMemory: st?.shared ?? false,
      heapBytes: st ? st.memory.buffer.byteLength : 0,
    };
  }

  /**
   * Sets how many threads kernels may use (the calling thread included). Large matmuls and
   * elementwise ops are split across them. Needs shared memory (Node, or crossOriginIsolated
   * browsers); elsewhere stays at 1. Resolves when the workers are ready.
   */
  async setNumThreads(n: number): Promise<void> {
    if (!this.st) {
      this.requestedThreads = Math.max(1, Math.floor(n));
      return;
    }
    const st = this.st;
    const want = st.shared ? Math.max(1, Math.min(MAX_WORKERS + 1, Math.floor(n))) : 1;
    if (want > 1 && !st.pool) st.pool = new ThreadPool(st.module, st.memory, st.ctl, THREAD_FUNCTIONS);
    this.numThreads = want;
    // Fewer threads park the extra workers (asleep in Atomics.wait) rather than terminating them:
    // respawning costs tens of milliseconds, and in Node 20 the calling thread's kernels were
    // measured ~1.6x slower for the rest of the run after a worker had been terminated.
    if (st.pool && want - 1 > st.pool.size) await st.pool.resize(want - 1);
  }

  getNumThreads(): number {
    return this.numThreads;
  }

  // ---------------------------------------------------------------- storage

  alloc(dtype: DType, numel: number, uninitialized = false): WasmHandle {
    return this.s.alloc.alloc(numel * bytesPerElement(dtype), !uninitialized);
  }

  free(handle: WasmHandle): void {
    this.s.alloc.free(handle);
  }

  write(handle: WasmHandle, dtype: DType, data: TypedArray): void {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.u8().set(bytes, handle);
    void dtype;
  }

  async read(handle: WasmHandle, dtype: DType, numel: number): Promise<TypedArray> {
    return this.readSync(handle, dtype, numel);
  }

  readSync(handle: WasmHandle, dtype: DType, numel: number): TypedArray {
    const bytes = numel * bytesPerElement(dtype);
    const copy = this.copyOut(handle, bytes);
    switch (dtype) {
      case 'float32':
        return new Float32Array(copy.buffer);
      case 'float64':
        return new Float64Array(copy.buffer);
      case 'int32':
        return new Int32Array(copy.buffer);
      default:
        return copy;
    }
  }

  /**
   * Copies bytes out of the heap. Engines copy out of a SharedArrayBuffer element by element;
   * Node's Buffer#copy is a few times faster than TypedArray#slice there.
   */
  private copyOut(ptr: number, bytes: number): Uint8Array {
    const NodeBuffer = (globalThis as { Buffer?: NodeBufferCtor }).Buffer;
    if (this.s.shared && NodeBuffer && bytes > 4096) {
      const out = new Uint8Array(bytes);
      NodeBuffer.from(this.s.memory.buffer, ptr, bytes).copy(out);
      return out;
    }
    return this.u8().slice(ptr, ptr + bytes);
  }

  allocatorStats(): AllocatorStats {
    return this.s.alloc.stats();
  }

  // ---------------------------------------------------------------- kernel helpers

  private refresh(): void {
    const b = this.s.memory.buffer;
    if (b !== this.buf) {
      this.buf = b;
      this.u8v = new Uint8Array(b);
      this.i32v = new Int32Array(b);
      this.f32v = new Float32Array(b);
      this.f64v = new Float64Array(b);
    }
  }
  u8(): Uint8Array {
    this.refresh();
    return this.u8v;
  }
  i32(): Int32Array {
    this.refresh();
    return this.i32v;
  }
  f32(): Float32Array {
    this.refresh();
    return this.f32v;
  }
  f64(): Float64Array {
    this.refresh();
    return this.f64v;
  }

  /** A TypedArray view of `numel` elements of `dtype` at byte offset `ptr` (valid until the heap grows). */
  view(dtype: DType, ptr: number, numel: number): TypedArray {
    const b = this.s.memory.buffer;
    switch (dtype) {
      case 'float32':
        return new Float32Array(b, ptr, numel);
      case 'float64':
        return new Float64Array(b, ptr, numel);
      case 'int32':
        return new Int32Array(b, ptr, numel);
      default:
        return new Uint8Array(b, ptr, numel);
    }
  }

  /** Writes i32 words into the descriptor scratch area and returns its address. */
  writeDesc(words: readonly number[]): number {
    const st = this.s;
    if (words.length * 4 > DESC_BYTES)
      throw new Error(`wasm backend: kernel descriptor too large (${words.length} words)`);
    const v = this.i32();
    const base = st.desc >> 2;
    for (let i = 0; i < words.length; i++) v[base + i] = words[i];
    return st.desc;
  }

  /** The walker scratch of thread `t` (0 = calling thread). */
  tmp(t: number): number {
    return this.s.tmp + t * TMP_BYTES;
  }

  /** Allocates a temporary heap block, not zero-filled (free with `release`). */
  scratchAlloc(bytes: number): number {
    return this.s.alloc.alloc(bytes, false);
  }
  release(ptr: number): void {
    this.s.alloc.free(ptr);
  }

  /** Thread t's GEMM / conv2d workspace of GEMM_WS_BYTES (allocated on first use, kept). */
  gemmWorkspace(t: number): number {
    const ws = this.s.gemmWs;
    while (ws.length <= t) ws.push(this.s.alloc.alloc(this.constant('GEMM_WS_BYTES')));
    return ws[t];
  }

  /** Threads a parallel call may use: the configured count, capped by ready workers. */
  availableThreads(): number {
    const st = this.s;
    if (this.numThreads <= 1 || !st.pool) return 1;
    return Math.min(this.numThreads, st.pool.readyCount + 1);
  }

  /**
   * Runs export `fn` over [0, total) on up to `availableThreads()` threads; `args(t, start, end)`
   * builds thread t's arguments for the range [start, end) (it must pass start and end through
   * unchanged, as two of the arguments). The range is cut into about `perThread` chunks per thread
   * (at least `grain` items each, boundaries aligned to `align`) that the threads claim as they get
   * to run, so a descheduled thread does not hold the others up. Chunk boundaries never change what
   * an output element's computation is, so results do not depend on the thread count.
   */
  parallel(
    fn: ThreadFunction,
    total: number,
    grain: number,
    args: (t: number, start: number, end: number) => number[],
    align = 1,
    perThread = 4,
  ): void {
    const st = this.s;
    const f = st.ex[fn] as (...a: number[]) => void;
    const fit = Math.floor(total / Math.max(1, grain));
    const nt = Math.min(this.availableThreads(), fit);
    if (nt <= 1 || !st.pool) {
      f(...args(0, 0, total));
      return;
    }
    const chunks = Math.max(nt, Math.min(nt * perThread, fit, MAX_CHUNKS));
    const perArgs: number[][] = [];
    for (let t = 0; t < nt; t++) perArgs.push(args(t, START_MARK, END_MARK));
    const startIdx = perArgs[0].indexOf(START_MARK);
    const endIdx = perArgs[0].indexOf(END_MARK);
    if (startIdx < 0 || endIdx < 0)
      throw new Error(`wasm backend: parallel '${fn}' arguments lack start/end`);
    st.pool.run({ fn: st.fnIds.get(fn)!, total, chunks, align, args: perArgs, startIdx, endIdx }, (a) =>
      f(...a),
    );
  }

  /** Reads an exported i32 constant (op ids). */
  constant(name: string): number {
    const g = this.s.ex[name];
    if (!(g instanceof WebAssembly.Global))
      throw new Error(`wasm backend: the module exports no constant '${name}'`);
    return g.value as number;
  }
}

/** The registered 'wasm' backend instance. */
export const wasmBackend = new WasmBackend();
