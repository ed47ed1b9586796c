import type { Backend } from './backend.js';
import { bytesPerElement, type DType } from './dtype.js';
import type { Tensor } from './tensor.js';

interface DeviceStats {
  numTensors: number;
  numBytes: number;
}

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

/**
 * Reference-counted backing memory shared by a tensor and all its views. It also carries the
 * version counter PyTorch keeps per base tensor: in-place ops bump it, saved tensors check it.
 */
export class Storage {
  refs = 0;
  version = 0;
  readonly nbytes: number;
  private readonly devStats: DeviceStats;
  constructor(
    readonly backend: Backend,
    public handle: unknown,
    readonly dtype: DType,
    readonly numel: number,
  ) {
    this.nbytes = numel * bytesPerElement(dtype);
    this.devStats = statsFor(backend.name);
    this.devStats.numBytes += this.nbytes;
  }
  get device(): string {
    return this.backend.name;
  }
  retain(): void {
    this.refs++;
  }
  release(): void {
    if (--this.refs === 0) {
      this.devStats.numBytes -= this.nbytes;
      this.backend.free(this.handle, this.dtype, this.numel);
      this.handle = null;
    }
  }
}

/** Frees a tensor's hold on its storage when the tensor object is garbage-collected. */
const collector = new FinalizationRegistry<Storage>((storage) => {
  statsFor(storage.device).numTensors--;
  storage.release();
});

export function trackTensorAlive(t: Tensor, storage: Storage): void {
  storage.retain();
  statsFor(storage.device).numTensors++;
  collector.register(t, storage, t);
  const scope = scopes[scopes.length - 1];
  if (scope) scope.push(t);
}

export function untrackTensor(t: Tensor, storage: Storage): void {
  collector.unregister(t);
  statsFor(storage.device).numTensors--;
  storage.release();
}

export function memory(): MemoryInfo {
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
    if (keep.has(t)) {
      if (parent) parent.push(t);
    } else if (!t.isKept && !t.isDisposed) t.dispose();
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
  return t;
}

/** Disposes tensors found in a value (tensor, array, object, Map). */
export function dispose(value: unknown): void {
  const found = new Set<Tensor>();
  collectTensors(value, found, new Set(), tensorCheck);
  for (const t of found) t.dispose();
}
