/**
 * A pool of workers sharing the backend's WebAssembly.Memory (node:worker_threads in Node, Web
 * Workers in browsers), each running its own instance of the same module. Work is posted through a
 * control block in the shared memory: per worker a slot with a sequence number, the function index,
 * that thread's float64 arguments and where the chunk bounds go in them; the worker wakes
 * (Atomics.wait/notify) and then, like the calling thread, claims chunks of the range from one
 * shared counter (compare-exchange) until none are left, counting each finished chunk. A thread
 * that is descheduled (a machine shared with other jobs) therefore costs nothing: whoever is running
 * takes the remaining chunks. The calling thread waits for the chunks in flight (Atomics.wait in
 * Node; a spin in browsers, whose main thread may not block).
 */
import { isNode } from './loader.js';

/** Bytes per worker slot: 8 i32 header words, 4 float64 chunk words, then float64 arguments. */
export const SLOT_BYTES = 256;
const MAX_ARGS = (SLOT_BYTES - 64) / 8;
export const MAX_WORKERS = 15;
/** Job words after the slots: 0 claim word (job << 16 | chunks << 8 | next), 1 chunks done, 2 error. */
const JOB_BYTES = 64;
export const CONTROL_BYTES = SLOT_BYTES * MAX_WORKERS + JOB_BYTES;
/** Chunks per job are counted in 8 bits of the claim word. */
export const MAX_CHUNKS = 255;

/**
 * Chunk c's start in [0, total) split into `chunks` pieces aligned to `align` (the same function
 * runs on every thread: see the worker source).
 */
export function chunkBound(c: number, chunks: number, total: number, align: number): number {
  if (c >= chunks) return total;
  const b = Math.round((c * total) / chunks);
  return align > 1 ? Math.min(total, Math.ceil(b / align) * align) : b;
}

// Slot header (i32 words): 0 seq, 1 id of the job given to this worker, 2 fn, 3 nargs, 4 start arg index, 5 ready,
// 6 end arg index. Slot float64 words 4..7: total, chunks, align; arguments from word 8.
const WORKER_SOURCE = `
'use strict';
function run(d, ready) {
  const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory, abort() { throw new Error('wasm abort'); } } });
  const fns = d.names.map((n) => inst.exports[n]);
  const i32 = new Int32Array(d.memory.buffer);
  const f64 = new Float64Array(d.memory.buffer);
  const s = (d.ctl + d.index * ${SLOT_BYTES}) >> 2;
  const c = (d.ctl + d.index * ${SLOT_BYTES} + 32) >> 3;
  const a = c + 4;
  const job = (d.ctl + ${SLOT_BYTES * MAX_WORKERS}) >> 2;
  const bound = ${chunkBound.toString().replace(/^function chunkBound/, 'function')};
  let seen = Atomics.load(i32, s);
  Atomics.store(i32, s + 5, 1);
  ready();
  for (;;) {
    let spins = 0;
    while (Atomics.load(i32, s) === seen && spins < 4000) spins++;
    if (Atomics.load(i32, s) === seen) Atomics.wait(i32, s, seen);
    const seq = Atomics.load(i32, s);
    if (seq === seen) continue;
    seen = seq;
    if (Atomics.load(i32, s + 2) < 0) return;
    for (;;) {
      // Claim a chunk of whatever job is current. A claim succeeds only while that job is
      // unfinished, and the job's parameters (written before it was published) stay put until it
      // finishes, so they are read after the claim.
      const v = Atomics.load(i32, job);
      const next = v & 255;
      if (next >= ((v >> 8) & 255)) break;
      // Only jobs this worker was given (its slot carries their id) are claimable.
      if (Atomics.load(i32, s + 1) !== v >>> 16) break;
      if (Atomics.compareExchange(i32, job, v, v + 1) !== v) continue;
      const fi = i32[s + 2];
      const n = i32[s + 3];
      const total = f64[c], chunks = f64[c + 1], align = f64[c + 2];
      const args = new Array(n);
      for (let k = 0; k < n; k++) args[k] = f64[a + k];
      args[i32[s + 4]] = bound(next, chunks, total, align);
      args[i32[s + 6]] = bound(next + 1, chunks, total, align);
      try {
        if (args[i32[s + 6]] > args[i32[s + 4]]) fns[fi].apply(null, args);
      } catch (e) {
        Atomics.store(i32, job + 2, 1);
      }
      Atomics.add(i32, job + 1, 1);
      Atomics.notify(i32, job + 1);
    }
  }
}
if (typeof process === 'object' && process.versions && process.versions.node) {
  // import(), not require: the source is evaluated as a module when the process runs with
  // --input-type=module (workers inherit execArgv).
  import('node:worker_threads').then((wt) => run(wt.workerData, () => wt.parentPort.postMessage('ready')));
} else {
  self.onmessage = (e) => run(e.data, () => self.postMessage('ready'));
}
`;

interface WorkerHandle {
  terminate(): void;
}

/**
 * One parallel call: export `fn` over [0, total) in `chunks` pieces aligned to `align`; thread t's
 * arguments are `args[t]` with the chunk's start and end written at positions `startIdx`, `endIdx`.
 */
export interface ParallelJob {
  fn: number;
  total: number;
  chunks: number;
  align: number;
  /** Per thread (0 = the calling thread, then workers 0, 1, ...). */
  args: readonly (readonly number[])[];
  startIdx: number;
  endIdx: number;
}

export class ThreadPool {
  private readonly workers: WorkerHandle[] = [];
  private readonly ready: boolean[] = [];
  private readonly seq: number[] = [];
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly canBlock: boolean;
  private pending: Promise<void> = Promise.resolve();
  private jobSeq = 0;
  private readonly job: number;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly ctl: number,
    private readonly names: readonly string[],
  ) {
    // The control block sits at a fixed low address: views made now stay valid after growth.
    this.i32 = new Int32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.canBlock = isNode();
    this.job = (ctl + SLOT_BYTES * MAX_WORKERS) >> 2;
    Atomics.store(this.i32, this.job, 0);
  }

  /** Workers that have started and can take tasks. */
  get readyCount(): number {
    let n = 0;
    while (n < this.ready.length && this.ready[n]) n++;
    return n;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Grows or shrinks the pool to `n` workers; resolves when all of them are ready. */
  resize(n: number): Promise<void> {
    n = Math.max(0, Math.min(MAX_WORKERS, Math.floor(n)));
    while (this.workers.length > n) {
      const i = this.workers.length - 1;
      const s = (this.ctl + i * SLOT_BYTES) >> 2;
      Atomics.store(this.i32, s + 2, -1);
      Atomics.add(this.i32, s, 1);
      Atomics.notify(this.i32, s);
      this.workers.pop()!.terminate();
      this.ready.pop();
      this.seq.pop();
    }
    const starts: Promise<void>[] = [];
    while (this.workers.length < n) starts.push(this.spawn(this.workers.length));
    this.pending = Promise.all([this.pending, ...starts]).then(() => undefined);
    return this.pending;
  }

  private spawn(index: number): Promise<void> {
    const s = (this.ctl + index * SLOT_BYTES) >> 2;
    Atomics.store(this.i32, s + 5, 0);
    Atomics.store(this.i32, s + 1, -1);
    this.ready[index] = false;
    this.seq[index] = Atomics.load(this.i32, s);
    const data = { module: this.module, memory: this.memory, ctl: this.ctl, index, names: this.names };
    let resolveReady!: () => void;
    let rejectReady!: (e: unknown) => void;
    const started = new Promise<void>((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    const onReady = () => {
      this.ready[index] = true;
      resolveReady();
    };
    if (isNode()) {
      const slot = { worker: null as WorkerHandle | null };
      this.workers[index] = { terminate: () => slot.worker?.terminate() };
      import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads').then(({ Worker }) => {
        const w = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
        // Referenced until it reports ready (so `await initBackend` keeps the process alive), then
        // unreferenced: the pool never keeps a Node process from exiting once its own work is done.
        // (unref after the listener is gone: adding a 'message' listener refs the port again.)
        w.once('message', () => {
          w.unref();
          onReady();
        });
        w.on('error', rejectReady);
        slot.worker = { terminate: () => void w.terminate() };
      }, rejectReady);
    } else {
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      const w = new Worker(url);
      w.onmessage = onReady;
      w.onerror = (e) => rejectReady(e);
      w.postMessage(data);
      this.workers[index] = { terminate: () => w.terminate() };
    }
    return started;
  }

  /**
   * Runs `job` on the calling thread (through `local(args, start, end)`) and on the first
   * `job.args.length - 1` workers, which claim chunks as they get to run; returns when every chunk
   * has finished. At most readyCount + 1 threads.
   */
  run(job: ParallelJob, local: (args: number[]) => void): void {
    const { i32, f64 } = this;
    const { chunks, total, align, startIdx, endIdx } = job;
    if (chunks < 1 || chunks > MAX_CHUNKS) throw new Error(`thread pool: bad chunk count ${chunks}`);
    const nw = job.args.length - 1;
    const jb = this.job;
    // Close the claim word before touching the slots (nothing is claimable), reset the counters,
    // write every worker's parameters, then publish the job and wake the workers.
    const id = (this.jobSeq = (this.jobSeq + 1) & 0x7fff);
    Atomics.store(i32, jb, id << 16);
    Atomics.store(i32, jb + 1, 0);
    Atomics.store(i32, jb + 2, 0);
    for (let w = 0; w < nw; w++) {
      const args = job.args[w + 1];
      if (args.length > MAX_ARGS) throw new Error(`thread pool: too many arguments (${args.length})`);
      const base = this.ctl + w * SLOT_BYTES;
      const s = base >> 2;
      Atomics.store(i32, s + 1, id);
      i32[s + 2] = job.fn;
      i32[s + 3] = args.length;
      i32[s + 4] = startIdx;
      i32[s + 6] = endIdx;
      const c = (base + 32) >> 3;
      f64[c] = total;
      f64[c + 1] = chunks;
      f64[c + 2] = align;
      for (let k = 0; k < args.length; k++) f64[c + 4 + k] = args[k];
    }
    Atomics.store(i32, jb, (id << 16) | (chunks << 8));
    for (let w = 0; w < nw; w++) {
      const s = (this.ctl + w * SLOT_BYTES) >> 2;
      Atomics.store(i32, s, (this.seq[w] = (this.seq[w] + 1) | 0));
      Atomics.notify(i32, s);
    }
    let error: unknown = null;
    const mine = job.args[0].slice();
    for (;;) {
      const v = Atomics.load(i32, jb);
      const next = v & 255;
      if (next >= chunks) break;
      if (Atomics.compareExchange(i32, jb, v, v + 1) !== v) continue;
      mine[startIdx] = chunkBound(next, chunks, total, align);
      mine[endIdx] = chunkBound(next + 1, chunks, total, align);
      try {
        if (mine[endIdx] > mine[startIdx] && !error) local(mine);
      } catch (e) {
        error = e;
      }
      Atomics.add(i32, jb + 1, 1);
    }
    // Wait for the chunks other threads claimed.
    for (let spins = 0; ; spins++) {
      const d = Atomics.load(i32, jb + 1);
      if (d >= chunks) break;
      if (this.canBlock && spins > 200) Atomics.wait(i32, jb + 1, d, 100);
    }
    if (Atomics.load(i32, jb + 2) !== 0 && !error)
      error = new Error(`wasm backend: a worker thread failed running function ${job.fn}`);
    if (error) throw error;
  }

  terminate(): void {
    void this.resize(0);
  }
}
