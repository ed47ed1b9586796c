/**
 * A pool of workers sharing the backend's WebAssembly.Memory (node:worker_threads in Node, Web
 * Workers in browsers), each running its own instance of the same module. Work is posted through a
 * control block in the shared memory: per worker a slot with a sequence number, the function index
 * and float64 arguments; the worker wakes (Atomics.wait/notify), calls the export, and bumps its
 * done counter. The calling thread runs the first chunk itself and then waits for the others
 * (Atomics.wait in Node; a spin in browsers, whose main thread may not block).
 */
import { isNode } from './loader.js';

/** Bytes per worker slot: 8 i32 header words then up to 28 float64 arguments. */
export const SLOT_BYTES = 256;
const MAX_ARGS = (SLOT_BYTES - 32) / 8;
export const MAX_WORKERS = 15;
export const CONTROL_BYTES = SLOT_BYTES * MAX_WORKERS;

// Slot header (i32 words): 0 seq, 1 done, 2 fn, 3 nargs, 4 error, 5 ready.
const WORKER_SOURCE = `
'use strict';
function run(d, ready) {
  const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory, abort() { throw new Error('wasm abort'); } } });
  const fns = d.names.map((n) => inst.exports[n]);
  const i32 = new Int32Array(d.memory.buffer);
  const f64 = new Float64Array(d.memory.buffer);
  const s = (d.ctl + d.index * ${SLOT_BYTES}) >> 2;
  const a = (d.ctl + d.index * ${SLOT_BYTES} + 32) >> 3;
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
    const fi = i32[s + 2];
    if (fi < 0) return;
    const n = i32[s + 3];
    const args = new Array(n);
    for (let k = 0; k < n; k++) args[k] = f64[a + k];
    try {
      fns[fi].apply(null, args);
      i32[s + 4] = 0;
    } catch (e) {
      i32[s + 4] = 1;
    }
    Atomics.store(i32, s + 1, seq);
    Atomics.notify(i32, s + 1);
  }
}
if (typeof require === 'function' && typeof process === 'object' && process.versions && process.versions.node) {
  const wt = require('node:worker_threads');
  run(wt.workerData, () => wt.parentPort.postMessage('ready'));
} else {
  self.onmessage = (e) => run(e.data, () => self.postMessage('ready'));
}
`;

interface WorkerHandle {
  terminate(): void;
}

export interface PoolTask {
  fn: number;
  args: readonly number[];
}

export class ThreadPool {
  private readonly workers: WorkerHandle[] = [];
  private readonly ready: boolean[] = [];
  private readonly seq: number[] = [];
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly canBlock: boolean;
  private pending: Promise<void> = Promise.resolve();

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
    this.ready[index] = false;
    this.seq[index] = Atomics.load(this.i32, s);
    Atomics.store(this.i32, s + 1, this.seq[index]);
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
        w.unref();
        w.on('message', onReady);
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
   * Runs tasks[0] on the calling thread through `local` and tasks[1..] on workers 0.., returning
   * when all finished. At most readyCount + 1 tasks.
   */
  run(tasks: readonly PoolTask[], local: (task: PoolTask) => void): void {
    const n = tasks.length - 1;
    const { i32, f64 } = this;
    const seqs = new Array<number>(n);
    for (let w = 0; w < n; w++) {
      const t = tasks[w + 1];
      if (t.args.length > MAX_ARGS) throw new Error(`thread pool: too many arguments (${t.args.length})`);
      const base = this.ctl + w * SLOT_BYTES;
      const s = base >> 2;
      i32[s + 2] = t.fn;
      i32[s + 3] = t.args.length;
      const a = (base + 32) >> 3;
      for (let k = 0; k < t.args.length; k++) f64[a + k] = t.args[k];
      const seq = (this.seq[w] = (this.seq[w] + 1) | 0);
      seqs[w] = seq;
      Atomics.store(i32, s, seq);
      Atomics.notify(i32, s);
    }
    let error: unknown = null;
    try {
      local(tasks[0]);
    } catch (e) {
      error = e;
    }
    for (let w = 0; w < n; w++) {
      const s = (this.ctl + w * SLOT_BYTES) >> 2;
      for (;;) {
        const d = Atomics.load(i32, s + 1);
        if (d === seqs[w]) break;
        if (this.canBlock) Atomics.wait(i32, s + 1, d, 1000);
      }
      if (i32[s + 4] !== 0 && !error)
        error = new Error(`wasm backend: a worker thread failed running task ${tasks[w + 1].fn}`);
    }
    if (error) throw error;
  }

  terminate(): void {
    void this.resize(0);
  }
}
