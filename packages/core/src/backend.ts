import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/**
 * What a backend implements. Handles are opaque to core: a TypedArray on cpu, a pointer in wasm,
 * a GPUBuffer on webgpu. Backends never see autograd; they receive kernels' inputs and outputs.
 */
export interface Backend<Handle = unknown> {
  readonly name: string;
  /**
   * Allocates storage for `numel` elements of `dtype`, zero-filled unless `uninitialized` (core asks
   * for that only for the outputs of kernels registered with `writesAllOutputs`).
   */
  alloc(dtype: DType, numel: number, uninitialized?: boolean): Handle;
  free(handle: Handle, dtype: DType, numel: number): void;
  /** Overwrites the whole storage with `data` (same dtype, same length). */
  write(handle: Handle, dtype: DType, data: TypedArray): void;
  /** Reads `numel` elements of the whole storage. */
  read(handle: Handle, dtype: DType, numel: number): Promise<TypedArray>;
  /** Synchronous read, only on backends that can (cpu, wasm). */
  readSync?(handle: Handle, dtype: DType, numel: number): TypedArray;
  /** Runs once before first use, for backends with async start-up. */
  init?(): Promise<void>;
  /** Optional key/value facts shown to users (SIMD, threads, adapter name...). */
  readonly features?: Readonly<Record<string, unknown>>;
}

/** A strided view of a storage handed to a kernel. Outputs are always fresh and contiguous. */
export interface KernelTensor<Handle = unknown> {
  readonly data: Handle;
  readonly dtype: DType;
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Op-specific attributes passed to a kernel (axes, modes, scalars). */
export type KernelAttrs = Readonly<Record<string, unknown>>;

/** What a kernel receives: strided input views, freshly allocated outputs, attributes and its backend. */
export interface KernelArgs<Handle = unknown, A extends KernelAttrs = KernelAttrs> {
  readonly inputs: readonly KernelTensor<Handle>[];
  readonly outputs: readonly KernelTensor<Handle>[];
  readonly attrs: A;
  readonly backend: Backend<Handle>;
}

/** A backend's implementation of one op: reads `inputs`, writes `outputs` (see docs/architecture.md). */
export type Kernel<Handle = unknown, A extends KernelAttrs = KernelAttrs> = (
  args: KernelArgs<Handle, A>,
) => void;

const backends = new Map<string, Backend>();
const initialized = new Set<string>();
const kernels = new Map<string, Kernel>();
let defaultDevice = 'cpu';

const key = (op: string, backend: string) => `${op}\u0000${backend}`;

/** Registers a backend (a device); backend packages call this on import. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
  if (!backend.init) initialized.add(backend.name);
}

/** Names of the registered backends, in registration order. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/** Whether a backend with this name is registered. */
export function hasBackend(name: string): boolean {
  return backends.has(name);
}

/** Initializes a registered backend (compiles wasm, requests a GPU adapter...) once; await it before use. */
export async function initBackend(name: string): Promise<Backend> {
  const b = backends.get(name);
  if (!b)
    throw new Error(
      `initBackend: no backend named '${name}' is registered (registered: ${listBackends().join(', ') || 'none'}); import its package first, e.g. '@kindling/backend-${name}'`,
    );
  if (!initialized.has(name)) {
    await b.init?.();
    initialized.add(name);
  }
  return b;
}

/** The registered backend with this name; throws naming the package to import when there is none. */
export function getBackend(name: string): Backend {
  const b = backends.get(name);
  if (!b)
    throw new Error(
      `No backend named '${name}' is registered (registered: ${listBackends().join(', ') || 'none'}). Import '@kindling/backend-${name}' first.`,
    );
  if (!initialized.has(name))
    throw new Error(
      `Backend '${name}' needs asynchronous start-up: call 'await k.initBackend("${name}")' first.`,
    );
  return b;
}

/** Sets the device that creation ops use when no `device` option is given (default `cpu`). */
export function setDefaultDevice(name: string): void {
  getBackend(name);
  defaultDevice = name;
}

/** The device creation ops use when no `device` option is given. */
export function getDefaultDevice(): string {
  return defaultDevice;
}

/** Registers a kernel for (op, backend), like TensorFlow.js's kernel registry. */
export function registerKernel<H, A extends KernelAttrs>(
  op: string,
  backend: string,
  kernel: Kernel<H, A>,
  options: KernelOptions = {},
): void {
  const k = key(op, backend);
  kernels.set(k, kernel as unknown as Kernel);
  if (options.writesAllOutputs) writesAll.add(k);
  else writesAll.delete(k);
}

/** How core may call a registered kernel. */
export interface KernelOptions {
  /**
   * The kernel writes every element of its outputs, so core allocates them without zero-filling
   * (a backend may then skip a pass over memory the kernel overwrites anyway).
   */
  writesAllOutputs?: boolean;
}

const writesAll = new Set<string>();

/** Whether (op, backend) was registered with `writesAllOutputs`. */
export function kernelWritesAllOutputs(op: string, backend: string): boolean {
  return writesAll.has(key(op, backend));
}

/** The kernel registered for (op, backend); throws when there is none. */
export function getKernel(op: string, backend: string): Kernel {
  const k = kernels.get(key(op, backend));
  if (!k) throw new Error(`Kernel '${op}' is not implemented on backend '${backend}'`);
  return k;
}

/** Whether a kernel is registered for (op, backend). */
export function hasKernel(op: string, backend: string): boolean {
  return kernels.has(key(op, backend));
}

/** Every registered (op, backend) pair, for support matrices. */
export function listKernels(): { op: string; backend: string }[] {
  return [...kernels.keys()].map((k) => {
    const [op, backend] = k.split('\u0000');
    return { op, backend };
  });
}
