import { type Backend, listBackends } from './backend.js';
import { bytesPerElement, type DType } from './dtype.js';
import type { Tensor } from './tensor.js';

interface DeviceStats {
  /** Live storages: a tensor and all its views count once (like tfjs's numDataBuffers). */
  numTensors: number;
  numBytes: number;
}

/** What `memory()` reports: live storages, their bytes, and the same per device. */
export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  byDevice: Record<string, DeviceStats>;
}

const stats = new Map<string, DeviceStats>();
function statsFor(device: string): DeviceStats {
  let s = stats.get(device);
  if (!s) stats.set(device, (s = { numTensors: 0, numBytes: 0 }));
  return s;
}

/** What the finalizer needs to free a storage; it must not reference the Storage itself. */
interface StorageCore {
  backend: Backend;
  handle: unknown;
  dtype: DType;
  numel: number;
  nbytes: number;
  stats: DeviceStats;
  /** Tensors (views and saved-for-backward aliases included) holding this storage. */
  refs: number;
  freed: boolean;
}

function freeCore(c: StorageCore): void {
  if (c.freed) return;
  c.freed = true;
  c.stats.numBytes -= c.nbytes;
  c.stats.numTensors--;
  c.backend.free(c.handle, c.dtype, c.numel);
  c.handle = null;
}

/**
 * Frees storage whose tensors were all garbage-collected. Registration is per storage (views are
 * free) and deferred while a `tidy` scope owns the storage, since a FinalizationRegistry cell costs
 * about a microsecond plus GC work per object.
 */
const collector = new FinalizationRegistry<StorageCore>(freeCore);

/**
 * Reference-counted backing memory shared by a tensor and all its views. It also carries the
 * version counter PyTorch keeps per base tensor: in-place ops bump it, saved tensors check it.
 */
export class Storage {
  version = 0;
  readonly nbytes: number;
  private readonly core: StorageCore;
  private registered = false;
  constructor(
    readonly backend: Backend,
    handle: unknown,
    readonly dtype: DType,
    readonly numel: number,
  ) {
    this.nbytes = numel * bytesPerElement(dtype);
    const stats = statsFor(backend.name);
    stats.numBytes += this.nbytes;
    stats.numTensors++;
    this.core = { backend, handle, dtype, numel, nbytes: this.nbytes, stats, refs: 0, freed: false };
  }
  get handle(): unknown {
    return this.core.handle;
  }
  get device(): string {
    return this.backend.name;
  }
  get refs(): number {
    return this.core.refs;
  }
  /** @internal */ retain(): void {
    this.core.refs++;
  }
  /** @internal */ release(): void {
    const c = this.core;
    // A registered storage freed here stays in the registry until collected; its finalizer then
    // no-ops. Registering without an unregister token makes each registration much cheaper.
    if (--c.refs === 0) freeCore(c);
  }
  /** @internal Hands this storage to the garbage-collection finalizer (once). */
  ensureFinalizer(): void {
    if (this.registered || this.core.freed) return;
    this.registered = true;
    collector.register(this, this.core);
  }
}

/** Registers a new tensor with the innermost tidy scope, or with the GC finalizer outside scopes. */
export function trackTensorAlive(t: Tensor, storage: Storage, scoped: boolean): void {
  storage.retain();
  // Unscoped tensors (saved-for-backward aliases) never own a storage: every storage is either
  // registered with the finalizer or owned by a live scope, and scopes register what outlives them.
  if (!scoped) return;
  const scope = scopes[scopes.length - 1];
  if (scope) scope.push(t);
  else storage.ensureFinalizer();
}

export function untrackTensor(storage: Storage): void {
  storage.release();
}

/** Live tensor storages and bytes, in total and per device, like tf.memory() (a tensor and its views count once). */
export function memory(): MemoryInfo {
  for (const name of listBackends()) statsFor(name);
  const byDevice: Record<string, DeviceStats> = {};
  let numTensors = 0;
  let numBytes = 0;
  for (const [d, s] of stats) {
    byDevice[d] = { numTensors: s.numTensors, numBytes: s.numBytes };
    numTensors += s.numTensors;
    numBytes += s.numBytes;
  }
  return { numTensors, numBytes, byDevice };
}

// ---- scopes (tidy) ----
const scopes: Tensor[][] = [];

function collectTensors(
  value: unknown,
  out: Set<Tensor>,
  seen: Set<unknown>,
  isTensor: (v: unknown) => v is Tensor,
): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (isTensor(value)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collectTensors(v, out, seen, isTensor);
  else if (value instanceof Map) for (const v of value.values()) collectTensors(v, out, seen, isTensor);
  else if (Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value)) collectTensors(v, out, seen, isTensor);
}

let tensorCheck: (v: unknown) => v is Tensor = (_v): _v is Tensor => false;
export function setTensorCheck(fn: (v: unknown) => v is Tensor): void {
  tensorCheck = fn;
}

function endScope(scope: Tensor[], result: unknown): void {
  const keep = new Set<Tensor>();
  collectTensors(result, keep, new Set(), tensorCheck);
  const idx = scopes.lastIndexOf(scope);
  if (idx >= 0) scopes.splice(idx, 1);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (t.isDisposed) continue;
    const storage = t.storage;
    if (keep.has(t)) {
      if (parent) parent.push(t);
      else storage.ensureFinalizer();
    } else if (t.isKept) storage.ensureFinalizer();
    else {
      t.dispose();
      // Still held by a view or a tensor saved for backward: let the GC finalizer free it.
      if (storage.refs > 0) storage.ensureFinalizer();
    }
  }
}

/**
 * Runs `fn` and disposes every tensor created inside it except those it returns (in arrays/objects/
 * Maps), those marked with `keep()`, and gradients written by `backward()`. Async functions are
 * awaited; keep concurrent async work out of the scope, since tensors are tracked by creation time.
 */
export function tidy<T>(fn: () => T): T {
  const scope: Tensor[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    endScope(scope, undefined);
    throw e;
  }
  if (result instanceof Promise) {
    return result.then(
      (r) => {
        endScope(scope, r);
        return r;
      },
      (e) => {
        endScope(scope, undefined);
        throw e;
      },
    ) as T;
  }
  endScope(scope, result);
  return result;
}

/** Excludes a tensor from disposal by any enclosing `tidy`. */
export function keep<T extends Tensor>(t: T): T {
  t.isKept = true;
  t.storage.ensureFinalizer();
  return t;
}

/** Disposes tensors found in a value (tensor, array, object, Map). */
export function dispose(value: unknown): void {
  const found = new Set<Tensor>();
  collectTensors(value, found, new Set(), tensorCheck);
  for (const t of found) t.dispose();
}
