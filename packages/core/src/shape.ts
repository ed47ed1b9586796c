/** Shape and stride arithmetic shared by the op layer and every backend. */
export type Shape = readonly number[];

export function numelOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Contiguous in PyTorch's sense: size-1 dims may have any stride. */
export function isContiguousLayout(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (shape[i] === 0) return true;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** NumPy broadcasting; throws PyTorch's message naming the op when the shapes do not broadcast. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  if (shapesEqual(a, b)) return a.slice();
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a.length - n + i >= 0 ? a[a.length - n + i] : 1;
    const db = b.length - n + i >= 0 ? b[b.length - n + i] : 1;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new Error(
        `${op}: the size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i} (shapes ${formatShape(a)} and ${formatShape(b)} are not broadcastable)`,
      );
  }
  return out;
}

export function broadcastShapesMany(op: string, shapes: Shape[]): number[] {
  let out = shapes[0].slice();
  for (let i = 1; i < shapes.length; i++) out = broadcastShapes(op, out, shapes[i]);
  return out;
}

/** Normalises a possibly negative dim; throws PyTorch's IndexError wording. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi)
    throw new RangeError(
      `${op}: Dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`,
    );
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

export function normalizeDims(
  op: string,
  dims: number | readonly number[] | undefined,
  ndim: number,
): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = list.map((d) => normalizeDim(op, d, ndim));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new Error(`${op}: dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out.sort((x, y) => x - y);
}

export function assertValidShape(op: string, shape: Shape): void {
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0)
      throw new Error(`${op}: invalid shape ${formatShape(shape)} (dims must be non-negative integers)`);
}

/** Accepts both `f(2, 3)` and `f([2, 3])` calling styles. */
export function parseShapeArgs(args: readonly unknown[]): { shape: number[]; rest: unknown[] } {
  if (args.length > 0 && Array.isArray(args[0]))
    return { shape: (args[0] as number[]).slice(), rest: args.slice(1) };
  const shape: number[] = [];
  let i = 0;
  for (; i < args.length && typeof args[i] === 'number'; i++) shape.push(args[i] as number);
  return { shape, rest: args.slice(i) };
}
