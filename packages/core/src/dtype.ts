/** Element types Kindling supports. `bool` is stored as one byte per element. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed arrays that back tensor storage (bool is a Uint8Array of 0/1). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export interface DTypeArrayMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/** Every dtype Kindling supports. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

type ArrayCtor = {
  new (n: number): TypedArray;
  new (src: ArrayLike<number> | ArrayBufferLike): TypedArray;
  BYTES_PER_ELEMENT: number;
};
const CTORS: Record<DType, ArrayCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/** The typed-array constructor that stores `dtype`. */
export function arrayCtor(dtype: DType): ArrayCtor {
  return CTORS[dtype];
}

/** Bytes per element of `dtype`. */
export function bytesPerElement(dtype: DType): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

/** A zero-filled typed array of `n` elements of `dtype`. */
export function allocArray<D extends DType>(dtype: D, n: number): DTypeArrayMap[D] {
  return new CTORS[dtype](n) as DTypeArrayMap[D];
}

/** Whether `dtype` is a floating-point dtype (float32 or float64). */
export function isFloatingPoint(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch's promote_types restricted to our dtypes: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

export function dtypeOfTypedArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

export function assertDType(op: string, value: unknown): DType {
  if (typeof value === 'string' && (DTYPES as readonly string[]).includes(value)) return value as DType;
  throw new TypeError(`${op}: unknown dtype '${String(value)}' (expected one of ${DTYPES.join(', ')})`);
}

/** Converts a JS value to what storing it in `dtype` yields (int32 truncates toward zero, bool is 0/1). */
export function castScalar(value: number | boolean, dtype: DType): number {
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (dtype === 'int32') return v | 0;
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  if (dtype === 'float32') return Math.fround(v);
  return v;
}
