/**
 * The wasm backend's heap allocator: hands out 64-byte aligned byte ranges of one
 * WebAssembly.Memory. Free blocks sit in size-class bins (exact classes up to 1 KiB, then four
 * classes per power of two), are split on reuse and coalesced with free neighbours on free; a free
 * block touching the top of the heap returns to the untouched region above it. The memory grows
 * with `memory.grow` when no free block fits, and allocation fails with an error naming the
 * requested size when the memory's maximum is reached.
 */

const ALIGN = 64;
const PAGE = 65536;
const EXACT_CLASSES = 16; // 64 .. 1024 bytes in 64-byte steps
const SUBBINS = 4;

function classOf(size: number): number {
  const units = size / ALIGN; // size is a multiple of ALIGN
  if (units <= EXACT_CLASSES) return units - 1;
  // log2 bucket with SUBBINS linear sub-bins
  const e = Math.floor(Math.log2(units));
  const sub = Math.floor(((units - 2 ** e) * SUBBINS) / 2 ** e);
  return EXACT_CLASSES + (e - 4) * SUBBINS + sub;
}

/** A snapshot of the wasm heap, as `WasmAllocator.stats()` and `k.memory()` report it. */
export interface AllocatorStats {
  /** Bytes between the heap base and the top of the used region. */
  heapBytes: number;
  /** Bytes in live allocations (rounded to 64). */
  liveBytes: number;
  liveBlocks: number;
  /** Bytes in free blocks below the top (reusable without growing). */
  freeBytes: number;
  freeBlocks: number;
  /** The memory's current size in bytes. */
  memoryBytes: number;
}

/** Thrown when an allocation cannot be satisfied even after growing the WebAssembly.Memory to its maximum. */
export class OutOfMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutOfMemoryError';
  }
}

/**
 * The allocator for tensors in the module's linear memory: size-class free lists with coalescing of
 * neighbouring free blocks, reuse before growth, and growth of the memory when nothing fits.
 */
export class WasmAllocator {
  /** Start address -> size of every free block below `top`. */
  private readonly freeStart = new Map<number, number>();
  /** End address -> start address of every free block. */
  private readonly freeEnd = new Map<number, number>();
  private readonly bins: number[][] = [];
  /** Start -> index in its bin, for O(1) removal. */
  private readonly binIndex = new Map<number, number>();
  private readonly live = new Map<number, number>();
  private liveBytes = 0;
  private freeBytes = 0;
  /** Everything at or above `top` is unused. */
  private top: number;
  /** Everything at or above `highWater` has never been handed out (still zero). */
  private highWater: number;
  private readonly maxBytes: number;
  private readonly zero: (ptr: number, bytes: number) => void;

  /**
   * `opts.zero` zero-fills a byte range (the backend passes the module's memory.fill, much faster
   * than a JS fill on a shared buffer).
   */
  constructor(
    readonly memory: WebAssembly.Memory,
    readonly base: number,
    opts: { maxBytes?: number; zero?: (ptr: number, bytes: number) => void } = {},
  ) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
    this.highWater = this.top;
    this.maxBytes = opts.maxBytes ?? 65536 * PAGE;
    this.zero = opts.zero ?? ((ptr, bytes) => new Uint8Array(this.memory.buffer, ptr, bytes).fill(0));
  }

  /**
   * Allocates `bytes` (rounded up to 64), zero-filled unless `zero` is false (the caller overwrites
   * it all). Zero-byte requests still get a unique block.
   */
  alloc(bytes: number, zero = true): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let ptr = this.takeFree(size);
    if (ptr < 0) {
      // Extend a free block that ends at the top instead of leaving it stranded.
      const tail = this.freeEnd.get(this.top);
      if (tail !== undefined) {
        this.removeFree(tail);
        this.top = tail;
      }
      ptr = this.top;
      this.ensure(ptr + size, bytes);
      this.top = ptr + size;
    }
    // Memory above the high-water mark has never been handed out: still zero from memory.grow.
    const zeroEnd = Math.min(ptr + size, this.highWater);
    if (zero && zeroEnd > ptr) this.zero(ptr, zeroEnd - ptr);
    if (ptr + size > this.highWater) this.highWater = ptr + size;
    this.live.set(ptr, size);
    this.liveBytes += size;
    return ptr;
  }

  free(ptr: number): void {
    let size = this.live.get(ptr);
    if (size === undefined) throw new Error(`wasm backend: free of unknown or already freed pointer ${ptr}`);
    this.live.delete(ptr);
    this.liveBytes -= size;
    const next = this.freeStart.get(ptr + size);
    if (next !== undefined) {
      this.removeFree(ptr + size);
      size += next;
    }
    const prev = this.freeEnd.get(ptr);
    if (prev !== undefined) {
      size += ptr - prev;
      this.removeFree(prev);
      ptr = prev;
    }
    if (ptr + size === this.top) this.top = ptr;
    else this.addFree(ptr, size);
  }

  /** Size in bytes of the live block at `ptr` (for tests and diagnostics). */
  sizeOf(ptr: number): number | undefined {
    return this.live.get(ptr);
  }

  stats(): AllocatorStats {
    return {
      heapBytes: this.top - this.base,
      liveBytes: this.liveBytes,
      liveBlocks: this.live.size,
      freeBytes: this.freeBytes,
      freeBlocks: this.freeStart.size,
      memoryBytes: this.memory.buffer.byteLength,
    };
  }

  private ensure(end: number, requested: number): void {
    const cur = this.memory.buffer.byteLength;
    if (end <= cur) return;
    const needPages = Math.ceil((end - cur) / PAGE);
    // Grow geometrically (by at least a quarter of the current size) to keep grow calls rare.
    const maxPages = Math.floor((this.maxBytes - cur) / PAGE);
    const want = Math.min(Math.max(needPages, Math.ceil(cur / PAGE / 4)), maxPages);
    if (needPages > maxPages) throw this.oom(requested);
    try {
      this.memory.grow(want);
    } catch {
      try {
        this.memory.grow(needPages);
      } catch {
        throw this.oom(requested);
      }
    }
  }

  private oom(requested: number): OutOfMemoryError {
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    return new OutOfMemoryError(
      `wasm backend: out of memory allocating ${requested} bytes (${mb(requested)}): ${mb(this.liveBytes)} live in ${this.live.size} blocks, ${mb(this.freeBytes)} free in ${this.freeStart.size} fragments, memory ${mb(this.memory.buffer.byteLength)} of at most ${mb(this.maxBytes)}`,
    );
  }

  private takeFree(size: number): number {
    const c0 = classOf(size);
    for (let c = c0; c < this.bins.length; c++) {
      const bin = this.bins[c];
      if (!bin || bin.length === 0) continue;
      // In the request's own class blocks may be smaller than the request: look at a few.
      let pick = -1;
      if (c === c0) {
        for (let i = bin.length - 1, seen = 0; i >= 0 && seen < 8; i--, seen++) {
          if (this.freeStart.get(bin[i])! >= size) {
            pick = bin[i];
            break;
          }
        }
        if (pick < 0) continue;
      } else pick = bin[bin.length - 1];
      const blockSize = this.freeStart.get(pick)!;
      this.removeFree(pick);
      if (blockSize > size) this.addFree(pick + size, blockSize - size);
      return pick;
    }
    return -1;
  }

  private addFree(ptr: number, size: number): void {
    this.freeStart.set(ptr, size);
    this.freeEnd.set(ptr + size, ptr);
    this.freeBytes += size;
    const c = classOf(size);
    while (this.bins.length <= c) this.bins.push([]);
    const bin = this.bins[c];
    this.binIndex.set(ptr, bin.length);
    bin.push(ptr);
  }

  private removeFree(ptr: number): void {
    const size = this.freeStart.get(ptr)!;
    this.freeStart.delete(ptr);
    this.freeEnd.delete(ptr + size);
    this.freeBytes -= size;
    const bin = this.bins[classOf(size)];
    const i = this.binIndex.get(ptr)!;
    const last = bin.pop()!;
    if (last !== ptr) {
      bin[i] = last;
      this.binIndex.set(last, i);
    }
    this.binIndex.delete(ptr);
  }
}
