/**
 * The WebGPU backend: device acquisition, a size-class buffer pool, lazily zero-filled storage and
 * batched asynchronous execution. Kernels encode compute passes into one shared command encoder;
 * the encoder is submitted when a read needs the results, when a write would otherwise overtake
 * pending work, or when a batch is full. Nothing waits on the GPU except `read`.
 */
import type { Backend, DType, TypedArray } from '@kindling/core';

/** GPUBufferUsage / GPUMapMode flags (numeric so no globals are needed, e.g. in Node). */
export const USAGE = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;
const MAP_READ_MODE = 0x0001;

/** A pooled GPU buffer. `lastBatch` is the batch whose (unsubmitted) commands last used it. */
export interface PooledBuffer {
  readonly id: number;
  readonly buffer: GPUBuffer;
  /** Allocated bytes (the size class). */
  readonly size: number;
  lastBatch: number;
}

/**
 * Storage of one tensor on the webgpu device. `zero` marks storage that must read as zeros but has
 * not been cleared on the GPU yet (allocation is lazy: a kernel that fully writes it never clears).
 * bool is stored as one u32 per element, float32 as f32, int32 as i32.
 */
export class WebGPUHandle {
  /** @internal */ buf: PooledBuffer | null;
  /** @internal */ zero = true;
  constructor(
    readonly dtype: DType,
    readonly numel: number,
    buf: PooledBuffer,
  ) {
    this.buf = buf;
  }
  /** Bytes the elements occupy (4 per element for every dtype). */
  get byteLength(): number {
    return this.numel * 4;
  }
}

/** Counters for tests and benchmarks. */
export interface WebGPUStats {
  /** GPU buffers created (storage + staging + params), ever. */
  buffersCreated: number;
  bytesCreated: number;
  /** Buffers currently held in the free pool. */
  pooledBuffers: number;
  /** GPU→CPU reads that went to the GPU (zero-filled storage is read without the GPU). */
  reads: number;
  /** queue.writeBuffer uploads of tensor data. */
  writes: number;
  submits: number;
  dispatches: number;
  pipelines: number;
  /** Flushes forced by a write to a buffer that pending commands use. */
  writeFlushes: number;
}

/** Options of `k.initBackend('webgpu', options)`: which device or `navigator.gpu`-like object to use. */
export interface WebGPUInitOptions {
  /** Use this device as is (its limits are respected). */
  device?: GPUDevice;
  /** A `navigator.gpu`-like object (in Node: `create([])` from the `webgpu` package). */
  gpu?: GPU;
  /** Options for `requestAdapter` when `gpu` (or `navigator.gpu`) is used. */
  adapterOptions?: GPURequestAdapterOptions;
}

/** A compiled kernel: its pipeline and explicit bind group layout (params uniform has a dynamic offset). */
export interface GpuKernel {
  readonly id: number;
  readonly key: string;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/** One dispatch of a compute pipeline. */
export interface DispatchSpec {
  readonly pipeline: GpuKernel;
  /** i32 parameters (floats bit-cast), bound as a uniform at binding 0. */
  readonly params: Int32Array;
  /** Storage buffers bound at 1..n, in the shader's order. */
  readonly pooled: readonly PooledBuffer[];
  readonly workgroups: readonly [number, number, number];
}

const COMPUTE_STAGE = 0x4;
const MAX_CACHED_BIND_GROUPS = 8192;

const PARAM_ARENA_BYTES = 256 * 1024;
const MAX_DISPATCHES_PER_BATCH = 512;
const MIN_BUFFER_BYTES = 16;

/** Size classes: powers of two split in 4 steps (≤ 25% waste), exact above the device maximum. */
export function sizeClass(bytes: number): number {
  const b = Math.max(MIN_BUFFER_BYTES, Math.ceil(bytes / 4) * 4);
  if (b <= 64) return Math.ceil(b / 16) * 16;
  const p = 2 ** Math.floor(Math.log2(b));
  const step = p / 4;
  return Math.ceil(b / step) * step;
}

function errorText(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

/**
 * The 'webgpu' device: encodes kernels into command encoders submitted in batches, pools GPU buffers
 * by size class and reads back asynchronously. One instance is registered on import.
 */
export class WebGPUBackend implements Backend<WebGPUHandle> {
  readonly name = 'webgpu';
  private opts: WebGPUInitOptions = {};
  /** Strong references to what the device came from (Dawn in Node crashes if its GPU object is collected). */
  private readonly keepAlive: object[] = [];
  private dev: GPUDevice | null = null;
  private adapterName = 'unknown';
  private isFallback = false;

  private readonly pool = new Map<number, PooledBuffer[]>();
  private readonly stagingPool = new Map<number, PooledBuffer[]>();
  private readonly pipelines = new Map<string, GpuKernel>();
  /** Bind groups by kernel, params size and buffers (pooled buffers recur, so most dispatches hit). */
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private nextId = 1;

  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** Id of the batch now being encoded. */
  private batch = 1;
  private batchDispatches = 0;
  private paramBuf: GPUBuffer | null = null;
  private readonly arena = new ArrayBuffer(PARAM_ARENA_BYTES);
  private readonly arenaI32 = new Int32Array(this.arena);
  private arenaUsed = 0;
  private paramAlign = 256;

  /**
   * Status words of the index kernels (gather/scatter): [count of out-of-range indices, value,
   * dim, size] of the first one found. Checked (and cleared) by the next read after such a kernel.
   */
  private indexStatus: PooledBuffer | null = null;
  private indexStatusPending = false;
  private lostError: Error | null = null;
  private errors: Error[] = [];
  private pendingChecks: Promise<void>[] = [];

  readonly stats: WebGPUStats = {
    buffersCreated: 0,
    bytesCreated: 0,
    pooledBuffers: 0,
    reads: 0,
    writes: 0,
    submits: 0,
    dispatches: 0,
    pipelines: 0,
    writeFlushes: 0,
  };

  /** Sets how `init` acquires the device (see `initWebGPU`). */
  configure(opts: WebGPUInitOptions): void {
    this.opts = { ...opts };
  }

  get ready(): boolean {
    return this.dev !== null;
  }

  get device(): GPUDevice {
    if (!this.dev)
      throw new Error('webgpu: the backend is not initialised; call \'await k.initBackend("webgpu")\' first');
    return this.dev;
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  get features(): Readonly<Record<string, unknown>> {
    if (!this.dev) return { initialised: false };
    const l = this.dev.limits;
    return {
      adapter: this.adapterName,
      isFallbackAdapter: this.isFallback,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    };
  }

  /** "vendor / architecture (description)" of the adapter, for benchmark output. */
  get adapter(): string {
    return this.adapterName;
  }

  async init(): Promise<void> {
    if (this.dev) return;
    let device = this.opts.device ?? null;
    if (!device) {
      const gpu = this.opts.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu ?? null;
      if (!gpu)
        throw new Error(
          "webgpu: no WebGPU implementation found (navigator.gpu is undefined). In Node, pass one: import { create } from 'webgpu'; await initWebGPU({ gpu: create([]) })",
        );
      this.keepAlive.push(gpu);
      const adapter = await gpu.requestAdapter(this.opts.adapterOptions);
      if (!adapter)
        throw new Error(
          'webgpu: requestAdapter() returned no adapter (no usable GPU or software rasterizer; in Node on Linux set VK_ICD_FILENAMES to a Vulkan driver such as SwiftShader)',
        );
      this.keepAlive.push(adapter);
      this.isFallback = Boolean((adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter);
      const info = adapter.info as GPUAdapterInfo | undefined;
      if (info) {
        this.adapterName = [info.vendor, info.architecture].filter(Boolean).join(' / ') || 'unknown';
        if (info.description) this.adapterName += ` (${info.description})`;
        this.isFallback ||= Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter);
      }
      const al = adapter.limits;
      const want: Record<string, number> = {};
      for (const k of [
        'maxStorageBufferBindingSize',
        'maxBufferSize',
        'maxComputeWorkgroupStorageSize',
        'maxComputeInvocationsPerWorkgroup',
        'maxComputeWorkgroupSizeX',
        'maxComputeWorkgroupSizeY',
        'maxStorageBuffersPerShaderStage',
      ] as const)
        want[k] = al[k];
      device = await adapter.requestDevice({ requiredLimits: want });
    }
    if (device.limits.maxComputeInvocationsPerWorkgroup < 64)
      throw new Error(
        `webgpu: the device allows ${device.limits.maxComputeInvocationsPerWorkgroup} invocations per workgroup; Kindling needs at least 64`,
      );
    this.dev = device;
    this.paramAlign = Math.max(256, device.limits.minUniformBufferOffsetAlignment);
    device.lost.then((info) => {
      if (this.dev !== device) return;
      this.lostError = new Error(
        `webgpu: the GPU device was lost (${info.reason}): ${info.message || 'no message'}. Tensors on 'webgpu' are no longer usable.`,
      );
    });
    const onError = (ev: Event) => {
      const err = (ev as GPUUncapturedErrorEvent).error;
      this.errors.push(
        new Error(`webgpu: uncaptured ${err?.constructor?.name ?? 'GPU'} error: ${err?.message}`),
      );
    };
    if (typeof device.addEventListener === 'function') device.addEventListener('uncapturederror', onError);
    else (device as { onuncapturederror: unknown }).onuncapturederror = onError;
    this.paramBuf = this.createBuffer(PARAM_ARENA_BYTES, USAGE.UNIFORM | USAGE.COPY_DST, 'kernel parameters');
  }

  // ------------------------------------------------------------------ health

  /** Throws the device-lost error, or the first uncaptured error since the last check. */
  checkHealthy(): void {
    if (this.lostError) throw this.lostError;
    if (this.errors.length > 0) {
      const errs = this.errors;
      this.errors = [];
      // Kernel compile errors first: "invalid pipeline" errors are their consequences.
      errs.sort(
        (a, b) =>
          Number(b.message.includes('compiling kernel')) - Number(a.message.includes('compiling kernel')),
      );
      if (errs.length === 1) throw errs[0];
      throw new Error(
        `${errs[0].message}\n(and ${errs.length - 1} more: ${errs
          .slice(1)
          .map((e) => e.message.split('\n')[0])
          .join('; ')})`,
      );
    }
  }

  private async settleChecks(): Promise<void> {
    while (this.pendingChecks.length > 0) {
      const p = this.pendingChecks;
      this.pendingChecks = [];
      await Promise.all(p);
    }
  }

  // ------------------------------------------------------------------ buffers

  private createBuffer(size: number, usage: number, what: string): GPUBuffer {
    const device = this.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let buffer: GPUBuffer;
    try {
      buffer = device.createBuffer({ size, usage });
    } catch (e) {
      device.popErrorScope();
      device.popErrorScope();
      throw new Error(`webgpu: could not create a ${size}-byte buffer for ${what}: ${errorText(e)}`);
    }
    const check = (kind: string) => (err: GPUError | null) => {
      if (err)
        this.errors.push(
          new Error(`webgpu: ${kind} creating a ${size}-byte buffer for ${what}: ${err.message}`),
        );
    };
    this.pendingChecks.push(
      device.popErrorScope().then(check('validation error')),
      device.popErrorScope().then(check('out of memory')),
    );
    this.stats.buffersCreated++;
    this.stats.bytesCreated += size;
    return buffer;
  }

  /** A storage buffer of at least `bytes` from the pool (preferring one no pending command uses). */
  acquire(bytes: number): PooledBuffer {
    const limits = this.device.limits;
    if (bytes > limits.maxStorageBufferBindingSize || bytes > limits.maxBufferSize)
      throw new Error(
        `webgpu: a buffer of ${bytes} bytes exceeds this device's limits (maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}, maxBufferSize ${limits.maxBufferSize}); use smaller tensors or the cpu backend`,
      );
    let size = sizeClass(bytes);
    if (size > limits.maxStorageBufferBindingSize || size > limits.maxBufferSize)
      size = Math.ceil(bytes / 4) * 4;
    const list = this.pool.get(size);
    if (list && list.length > 0) {
      this.stats.pooledBuffers--;
      // Prefer a buffer the unsubmitted batch does not use, so a later write needs no flush.
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].lastBatch !== this.batch) {
          const b = list[i];
          list[i] = list[list.length - 1];
          list.pop();
          return b;
        }
      }
      return list.pop()!;
    }
    const buffer = this.createBuffer(size, USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, 'tensor storage');
    return { id: this.nextId++, buffer, size, lastBatch: 0 };
  }

  release(b: PooledBuffer): void {
    let list = this.pool.get(b.size);
    if (!list) this.pool.set(b.size, (list = []));
    list.push(b);
    this.stats.pooledBuffers++;
  }

  private acquireStaging(bytes: number): PooledBuffer {
    const size = sizeClass(bytes);
    const list = this.stagingPool.get(size);
    if (list && list.length > 0) return list.pop()!;
    const buffer = this.createBuffer(size, USAGE.MAP_READ | USAGE.COPY_DST, 'a read-back staging buffer');
    return { id: this.nextId++, buffer, size, lastBatch: 0 };
  }

  private releaseStaging(b: PooledBuffer): void {
    let list = this.stagingPool.get(b.size);
    if (!list) this.stagingPool.set(b.size, (list = []));
    list.push(b);
  }

  /** Destroys every pooled (free) buffer. */
  emptyCache(): void {
    this.flush();
    for (const pool of [this.pool, this.stagingPool]) {
      for (const list of pool.values()) for (const b of list) b.buffer.destroy();
      pool.clear();
    }
    this.bindGroups.clear();
    this.stats.pooledBuffers = 0;
  }

  // ------------------------------------------------------------------ Backend interface

  alloc(dtype: DType, numel: number): WebGPUHandle {
    this.checkHealthy();
    if (dtype === 'float64')
      throw new TypeError(
        "float64 is not supported on webgpu (WGSL has no 64-bit floats); use float32, e.g. t.to('float32') before moving it",
      );
    return new WebGPUHandle(dtype, numel, this.acquire(Math.max(numel, 1) * 4));
  }

  free(handle: WebGPUHandle): void {
    const b = handle.buf;
    if (!b) return;
    handle.buf = null;
    this.release(b);
  }

  write(handle: WebGPUHandle, dtype: DType, data: TypedArray): void {
    this.checkHealthy();
    const b = this.bufOf(handle);
    handle.zero = false;
    if (data.length === 0) return;
    if (this.encoder && b.lastBatch === this.batch) {
      // queue.writeBuffer runs before commands not yet submitted: submit those first.
      this.stats.writeFlushes++;
      this.flush();
    }
    let src: ArrayBufferView;
    if (dtype === 'bool') {
      const u = new Uint32Array(data.length);
      for (let i = 0; i < data.length; i++) u[i] = data[i] !== 0 ? 1 : 0;
      src = u;
    } else if (dtype === 'float32' && !(data instanceof Float32Array)) src = Float32Array.from(data);
    else if (dtype === 'int32' && !(data instanceof Int32Array)) src = Int32Array.from(data);
    else src = data;
    this.device.queue.writeBuffer(b.buffer, 0, src.buffer as ArrayBuffer, src.byteOffset, data.length * 4);
    this.stats.writes++;
  }

  /**
   * The status buffer an index kernel reports out-of-range indices to (binding type
   * `atomic<u32>`): word 0 counts them, words 1-3 hold the first one's value, dim and dim size.
   * The next read checks it and throws a RangeError (WebGPU cannot raise errors from a kernel).
   */
  indexStatusBuffer(): PooledBuffer {
    if (!this.indexStatus) {
      // A new buffer starts zeroed; it never goes back to the pool.
      const buffer = this.createBuffer(16, USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, 'index checks');
      this.indexStatus = { id: this.nextId++, buffer, size: 16, lastBatch: 0 };
    }
    this.indexStatusPending = true;
    return this.indexStatus;
  }

  private indexError(status: Uint32Array): RangeError {
    const value = status[1] | 0;
    return new RangeError(
      `webgpu: index ${value} is out of bounds for dimension ${status[2]} with size ${status[3]} (found by an indexing kernel on the GPU${status[0] > 1 ? `, with ${status[0] - 1} more out-of-range entries` : ''}; it is reported at the first read after the op, and the values computed from it are unspecified)`,
    );
  }

  async read(handle: WebGPUHandle, dtype: DType, numel: number): Promise<TypedArray> {
    if (this.errors.length > 0) await this.settleChecks();
    this.checkHealthy();
    const out: TypedArray =
      dtype === 'bool'
        ? new Uint8Array(numel)
        : dtype === 'int32'
          ? new Int32Array(numel)
          : new Float32Array(numel);
    if (numel === 0 || handle.zero) return out;
    const b = this.bufOf(handle);
    const bytes = numel * 4;
    // The index kernels' status rides along in the same staging buffer, after the data.
    const status = this.indexStatusPending ? this.indexStatus : null;
    this.indexStatusPending = false;
    const total = bytes + (status ? 16 : 0);
    const staging = this.acquireStaging(total);
    const enc = this.commandEncoder();
    this.endPass();
    enc.copyBufferToBuffer(b.buffer, 0, staging.buffer, 0, bytes);
    if (status) enc.copyBufferToBuffer(status.buffer, 0, staging.buffer, bytes, 16);
    b.lastBatch = this.batch;
    this.flush();
    this.stats.reads++;
    try {
      await staging.buffer.mapAsync(MAP_READ_MODE, 0, total);
    } catch (e) {
      this.checkHealthy();
      await this.settleChecks();
      this.checkHealthy();
      throw new Error(`webgpu: reading a tensor back failed: ${errorText(e)}`);
    }
    const mapped = staging.buffer.getMappedRange(0, total);
    if (dtype === 'bool') {
      const u = new Uint32Array(mapped, 0, numel);
      for (let i = 0; i < numel; i++) out[i] = u[i] !== 0 ? 1 : 0;
    } else if (dtype === 'int32') (out as Int32Array).set(new Int32Array(mapped, 0, numel));
    else (out as Float32Array).set(new Float32Array(mapped, 0, numel));
    const found = status ? new Uint32Array(mapped, bytes, 4).slice() : null;
    staging.buffer.unmap();
    this.releaseStaging(staging);
    if (found && found[0] !== 0) {
      this.device.queue.writeBuffer(status!.buffer, 0, new Uint32Array(4));
      throw this.indexError(found);
    }
    await this.settleChecks();
    this.checkHealthy();
    return out;
  }

  // ------------------------------------------------------------------ encoding

  bufOf(handle: WebGPUHandle): PooledBuffer {
    const b = handle.buf;
    if (!b) throw new Error('webgpu: this tensor storage was already freed');
    return b;
  }

  private commandEncoder(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Zero-fills a buffer in stream order (for lazily zeroed storage and scratch). */
  clear(b: PooledBuffer, bytes = b.size): void {
    const enc = this.commandEncoder();
    this.endPass();
    enc.clearBuffer(b.buffer, 0, Math.ceil(bytes / 4) * 4);
    b.lastBatch = this.batch;
  }

  /** Makes a handle's storage really zero on the GPU if it is only lazily zeroed. */
  materialize(handle: WebGPUHandle): void {
    if (!handle.zero) return;
    this.clear(this.bufOf(handle), handle.numel * 4);
    handle.zero = false;
  }

  /** Copies bytes between buffers in stream order (offsets and sizes multiples of 4). */
  copyBuffer(src: PooledBuffer, dst: PooledBuffer, bytes: number, srcOffset = 0, dstOffset = 0): void {
    const enc = this.commandEncoder();
    this.endPass();
    if (bytes > 0)
      enc.copyBufferToBuffer(src.buffer, srcOffset, dst.buffer, dstOffset, Math.ceil(bytes / 4) * 4);
    src.lastBatch = this.batch;
    dst.lastBatch = this.batch;
  }

  /**
   * A compute pipeline from WGSL, compiled once per key; compile errors surface at the next read.
   * The bind group layout is derived from the shader's declarations: binding 0 is the uniform
   * parameter block (dynamic offset), the others storage buffers.
   */
  pipeline(key: string, source: () => string): GpuKernel {
    const hit = this.pipelines.get(key);
    if (hit) return hit;
    const device = this.device;
    const code = source();
    const entries: GPUBindGroupLayoutEntry[] = [];
    for (const m of code.matchAll(
      /@binding\((\d+)\)\s*var<(uniform|storage,\s*read_write|storage,\s*read)>/g,
    )) {
      const binding = Number(m[1]);
      const type: GPUBufferBindingType =
        m[2] === 'uniform' ? 'uniform' : m[2].endsWith('read_write') ? 'storage' : 'read-only-storage';
      entries.push({ binding, visibility: COMPUTE_STAGE, buffer: { type, hasDynamicOffset: binding === 0 } });
    }
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code, label: key });
    const layout = device.createBindGroupLayout({ entries, label: key });
    const pipeline = device.createComputePipeline({
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
      label: key,
    });
    this.pendingChecks.push(
      device.popErrorScope().then(async (err) => {
        if (!err) return;
        let details = '';
        try {
          const info = await module.getCompilationInfo();
          details = info.messages
            .map((m) => `\n  ${m.type} at ${m.lineNum}:${m.linePos}: ${m.message}`)
            .join('');
        } catch {
          // getCompilationInfo is optional in some implementations.
        }
        this.errors.push(
          new Error(
            `webgpu: compiling kernel '${key}' failed: ${err.message}${details}\n--- WGSL ---\n${code}`,
          ),
        );
      }),
    );
    const kernel: GpuKernel = { id: this.nextId++, key, pipeline, layout };
    this.pipelines.set(key, kernel);
    this.stats.pipelines++;
    return kernel;
  }

  /** Encodes one dispatch into the current batch (no GPU wait). */
  dispatch(spec: DispatchSpec): void {
    this.checkHealthy();
    const [x, y, z] = spec.workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const maxDim = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (x > maxDim || y > maxDim || z > maxDim)
      throw new Error(
        `webgpu: a dispatch of ${x}x${y}x${z} workgroups exceeds maxComputeWorkgroupsPerDimension (${maxDim}); the tensor is too large for this device`,
      );
    const pbytes = Math.max(16, spec.params.length * 4);
    const block = Math.ceil(pbytes / this.paramAlign) * this.paramAlign;
    if (block > PARAM_ARENA_BYTES) throw new Error(`webgpu: kernel parameters too large (${pbytes} bytes)`);
    if (this.arenaUsed + block > PARAM_ARENA_BYTES || this.batchDispatches >= MAX_DISPATCHES_PER_BATCH)
      this.flush();
    const off = this.arenaUsed;
    this.arenaI32.set(spec.params, off / 4);
    this.arenaUsed += block;
    const psize = Math.ceil(pbytes / 16) * 16;
    let bgKey = `${spec.pipeline.id}:${psize}`;
    for (const p of spec.pooled) {
      p.lastBatch = this.batch;
      bgKey += `:${p.id}`;
    }
    let bindGroup = this.bindGroups.get(bgKey);
    if (!bindGroup) {
      const entries: GPUBindGroupEntry[] = [
        { binding: 0, resource: { buffer: this.paramBuf!, offset: 0, size: psize } },
      ];
      spec.pooled.forEach((p, i) => {
        entries.push({ binding: i + 1, resource: { buffer: p.buffer } });
      });
      bindGroup = this.device.createBindGroup({ layout: spec.pipeline.layout, entries });
      if (this.bindGroups.size >= MAX_CACHED_BIND_GROUPS) this.bindGroups.clear();
      this.bindGroups.set(bgKey, bindGroup);
    }
    this.commandEncoder();
    if (!this.pass) this.pass = this.encoder!.beginComputePass();
    this.pass.setPipeline(spec.pipeline.pipeline);
    this.pass.setBindGroup(0, bindGroup, [off]);
    this.pass.dispatchWorkgroups(x, y, z);
    this.batchDispatches++;
    this.stats.dispatches++;
  }

  /** Submits everything encoded so far (does not wait). */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    if (this.arenaUsed > 0) this.device.queue.writeBuffer(this.paramBuf!, 0, this.arena, 0, this.arenaUsed);
    const cb = this.encoder.finish();
    this.encoder = null;
    this.device.queue.submit([cb]);
    this.stats.submits++;
    this.batch++;
    this.batchDispatches = 0;
    this.arenaUsed = 0;
  }

  /** Submits pending work and waits until the GPU has finished it (for benchmarks). */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.settleChecks();
    this.checkHealthy();
  }

  /** Workgroup counts for `groups` one-dimensional workgroups, folded into 2-D past the per-dimension limit. */
  grid(groups: number): [number, number, number] {
    const maxDim = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (groups <= maxDim) return [groups, 1, 1];
    const y = Math.ceil(groups / maxDim);
    if (y > maxDim)
      throw new Error(
        `webgpu: ${groups} workgroups exceed this device's dispatch limits; the tensor is too large`,
      );
    return [Math.ceil(groups / y), y, 1];
  }
}
