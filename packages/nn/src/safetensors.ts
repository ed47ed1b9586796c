/**
 * The safetensors format (https://github.com/huggingface/safetensors), byte for byte as the Rust
 * library writes it: an 8-byte little-endian u64 header length N, N bytes of JSON header (padded
 * with spaces so the data starts 8-byte aligned), then the tensors' raw little-endian bytes, packed
 * without gaps in the order of their `data_offsets` (which are relative to the byte after the header).
 *
 * Loading validates the file strictly before allocating anything: a forged header can never make
 * the loader allocate more than the file's own size.
 */
import * as k from '@kindling/core';

type Tensor = k.Tensor;

/** The cap on the JSON header size, as in the Rust library (100 MB). */
export const MAX_HEADER_SIZE = 100_000_000;

/** Safetensors dtype names Kindling writes, per Kindling dtype. */
const DTYPE_TO_ST: Record<k.DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

interface StDtype {
  /** Bytes per element in the file. */
  size: number;
  /** Kindling dtype it loads as. */
  dtype: k.DType;
  /** Alignment rank used by the Rust library to order tensors on save (higher first). */
  rank: number;
  /** Converts `n` little-endian elements starting at byte `off` of `view`. */
  read: (view: DataView, off: number, n: number, name: string) => k.TypedArray;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function readRaw(dtype: 'float32' | 'float64' | 'int32', size: number) {
  return (view: DataView, off: number, n: number): k.TypedArray => {
    const out = k.allocArray(dtype, n);
    if (LITTLE_ENDIAN) {
      new Uint8Array(out.buffer).set(new Uint8Array(view.buffer, view.byteOffset + off, n * size));
      return out;
    }
    for (let i = 0; i < n; i++) {
      const p = off + i * size;
      out[i] =
        dtype === 'float32'
          ? view.getFloat32(p, true)
          : dtype === 'float64'
            ? view.getFloat64(p, true)
            : view.getInt32(p, true);
    }
    return out;
  };
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const bf16Scratch = new DataView(new ArrayBuffer(4));
function bf16ToFloat(h: number): number {
  bf16Scratch.setUint32(0, h << 16);
  return bf16Scratch.getFloat32(0);
}

/** Integer types wider or narrower than int32 load as int32 (values out of range are an error). */
function readInt(size: number, get: (v: DataView, p: number) => number | bigint, st: string) {
  return (view: DataView, off: number, n: number, name: string): k.TypedArray => {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = Number(get(view, off + i * size));
      if (v > 2147483647 || v < -2147483648)
        throw new Error(
          `loadSafetensors: tensor '${name}' of dtype ${st} holds ${v}, which does not fit in int32 (Kindling's integer dtype)`,
        );
      out[i] = v;
    }
    return out;
  };
}

const ST_DTYPES: Record<string, StDtype> = {
  BOOL: {
    size: 1,
    dtype: 'bool',
    rank: 0,
    read: (view, off, n, name) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const b = view.getUint8(off + i);
        if (b > 1)
          throw new Error(
            `loadSafetensors: tensor '${name}' of dtype BOOL holds byte ${b} (expected 0 or 1)`,
          );
        out[i] = b;
      }
      return out;
    },
  },
  U8: { size: 1, dtype: 'int32', rank: 1, read: readInt(1, (v, p) => v.getUint8(p), 'U8') },
  I8: { size: 1, dtype: 'int32', rank: 2, read: readInt(1, (v, p) => v.getInt8(p), 'I8') },
  I16: { size: 2, dtype: 'int32', rank: 5, read: readInt(2, (v, p) => v.getInt16(p, true), 'I16') },
  U16: { size: 2, dtype: 'int32', rank: 6, read: readInt(2, (v, p) => v.getUint16(p, true), 'U16') },
  F16: {
    size: 2,
    dtype: 'float32',
    rank: 7,
    read: (view, off, n) => {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(off + 2 * i, true));
      return out;
    },
  },
  BF16: {
    size: 2,
    dtype: 'float32',
    rank: 8,
    read: (view, off, n) => {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = bf16ToFloat(view.getUint16(off + 2 * i, true));
      return out;
    },
  },
  I32: { size: 4, dtype: 'int32', rank: 9, read: readRaw('int32', 4) },
  U32: { size: 4, dtype: 'int32', rank: 10, read: readInt(4, (v, p) => v.getUint32(p, true), 'U32') },
  F32: { size: 4, dtype: 'float32', rank: 11, read: readRaw('float32', 4) },
  F64: { size: 8, dtype: 'float64', rank: 12, read: readRaw('float64', 8) },
  I64: { size: 8, dtype: 'int32', rank: 13, read: readInt(8, (v, p) => v.getBigInt64(p, true), 'I64') },
  U64: { size: 8, dtype: 'int32', rank: 14, read: readInt(8, (v, p) => v.getBigUint64(p, true), 'U64') },
};

export interface SafetensorsTensorInfo {
  /** The safetensors dtype name ('F32', 'F64', 'I32', 'BOOL', 'I64', 'F16', ...). */
  dtype: string;
  shape: number[];
  /** [begin, end) byte offsets relative to the start of the data section. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** The optional `__metadata__` string map. */
  metadata: Record<string, string> | null;
  /** Tensor entries in file (offset) order. */
  tensors: Record<string, SafetensorsTensorInfo>;
  /** Byte offset of the data section in the file (8 + header length). */
  dataStart: number;
}

export interface LoadSafetensorsOptions {
  /** Device for the loaded tensors (default: the default device). */
  device?: string;
}

// ------------------------------------------------------------------ saving

function encodeHeader(
  entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[],
  metadata: Record<string, string> | undefined,
): Uint8Array {
  // Same field order and compact JSON as serde_json in the Rust library.
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header.__metadata__ = metadata;
  for (const e of entries)
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [e.begin, e.end] };
  let json = JSON.stringify(header);
  const extra = (8 - (utf8Length(json) % 8)) % 8;
  json += ' '.repeat(extra);
  return new TextEncoder().encode(json);
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

function checkSaveArgs(stateDict: Record<string, Tensor>, metadata?: Record<string, string>): string[] {
  if (stateDict === null || typeof stateDict !== 'object')
    throw new TypeError('saveSafetensors: expected a Record<string, Tensor> state dict');
  const names = Object.keys(stateDict);
  for (const name of names) {
    if (name === '__metadata__')
      throw new Error("saveSafetensors: '__metadata__' is reserved and cannot be a tensor name");
    if (!k.isTensor(stateDict[name]))
      throw new TypeError(`saveSafetensors: value for key '${name}' is not a Tensor`);
  }
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object')
      throw new TypeError('saveSafetensors: metadata must be a Record<string, string>');
    for (const [key, v] of Object.entries(metadata))
      if (typeof v !== 'string')
        throw new TypeError(`saveSafetensors: metadata value for '${key}' must be a string, got ${typeof v}`);
  }
  // The Rust library orders tensors by dtype alignment (largest first), then by name.
  return names.sort((a, b) => {
    const ra = ST_DTYPES[DTYPE_TO_ST[stateDict[a].dtype]].rank;
    const rb = ST_DTYPES[DTYPE_TO_ST[stateDict[b].dtype]].rank;
    if (ra !== rb) return rb - ra;
    return compareBytes(a, b);
  });
}

/** Byte-wise (UTF-8) string comparison, like Rust's `str::cmp`. */
function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) if (ea[i] !== eb[i]) return ea[i] - eb[i];
  return ea.length - eb.length;
}

function assemble(
  names: string[],
  stateDict: Record<string, Tensor>,
  datas: k.TypedArray[],
  metadata?: Record<string, string>,
): Uint8Array {
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  let offset = 0;
  names.forEach((name, i) => {
    const t = stateDict[name];
    const nbytes = datas[i].length * k.bytesPerElement(t.dtype);
    entries.push({
      name,
      dtype: DTYPE_TO_ST[t.dtype],
      shape: t.shape.slice(),
      begin: offset,
      end: offset + nbytes,
    });
    offset += nbytes;
  });
  const header = encodeHeader(entries, metadata);
  const out = new Uint8Array(8 + header.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  const base = 8 + header.length;
  names.forEach((name, i) => {
    const d = datas[i];
    const e = entries[i];
    if (LITTLE_ENDIAN) out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), base + e.begin);
    else writeLE(view, base + e.begin, d, stateDict[name].dtype);
  });
  return out;
}

function writeLE(view: DataView, off: number, d: k.TypedArray, dtype: k.DType): void {
  for (let i = 0; i < d.length; i++) {
    if (dtype === 'float32') view.setFloat32(off + 4 * i, d[i], true);
    else if (dtype === 'float64') view.setFloat64(off + 8 * i, d[i], true);
    else if (dtype === 'int32') view.setInt32(off + 4 * i, d[i], true);
    else view.setUint8(off + i, d[i]);
  }
}

/**
 * Serializes tensors (any layout, any device that reads synchronously) to safetensors bytes.
 * Tensors are written in the Rust library's order (by dtype alignment, then name), so the bytes
 * match what Python's `safetensors.torch.save` writes for the same tensors and metadata.
 */
export function saveSafetensors(
  stateDict: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const names = checkSaveArgs(stateDict, metadata);
  const datas = names.map((n) => {
    const t = stateDict[n];
    if (!t.canReadSync())
      throw new Error(
        `saveSafetensors: tensor '${n}' lives on '${t.device}', which cannot be read synchronously; use 'await saveSafetensorsAsync(...)'`,
      );
    return t.dataSync();
  });
  return assemble(names, stateDict, datas, metadata);
}

/** `saveSafetensors` for tensors on any device (reads them asynchronously). */
export async function saveSafetensorsAsync(
  stateDict: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<Uint8Array> {
  const names = checkSaveArgs(stateDict, metadata);
  const datas = await Promise.all(names.map((n) => stateDict[n].data()));
  return assemble(names, stateDict, datas, metadata);
}

// ------------------------------------------------------------------ loading

function fail(msg: string): never {
  throw new Error(`loadSafetensors: ${msg}`);
}

function asBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) {
    const v = bytes as ArrayBufferView;
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  throw new TypeError('loadSafetensors: expected a Uint8Array or ArrayBuffer');
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Parses and validates the header without reading any tensor data: the header length against the
 * file, the JSON, each entry's dtype/shape/offsets, and that the tensors tile the data section
 * exactly (sorted by offset, no gaps, no overlap, nothing left over).
 */
export function parseSafetensorsHeader(input: Uint8Array | ArrayBuffer): SafetensorsHeader {
  const bytes = asBytes(input);
  if (bytes.length < 8)
    fail(
      `file is too small (${bytes.length} bytes) to hold the 8-byte header length; it is truncated or not safetensors`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_SIZE))
    fail(
      `header length ${n64} exceeds the limit of ${MAX_HEADER_SIZE} bytes (corrupted or not a safetensors file)`,
    );
  const n = Number(n64);
  if (8 + n > bytes.length)
    fail(
      `header length ${n} is larger than the file allows (${bytes.length - 8} bytes after the length prefix); the file is truncated or corrupted`,
    );
  if (n < 2) fail(`header length ${n} is too small to hold a JSON object`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('header is not valid UTF-8');
  }
  if (text[0] !== '{') fail(`header must start with '{' (found ${JSON.stringify(text[0])})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    fail('header must be a JSON object');
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  let metadata: Record<string, string> | null = null;
  const infos: [string, SafetensorsTensorInfo][] = [];
  for (const [name, raw] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
        fail("'__metadata__' must be an object of strings");
      metadata = {};
      for (const [mk, mv] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof mv !== 'string') fail(`'__metadata__' value for '${mk}' must be a string`);
        metadata[mk] = mv;
      }
      continue;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      fail(`entry for tensor '${name}' must be an object with dtype, shape and data_offsets`);
    const { dtype, shape, data_offsets: offs } = raw as Record<string, unknown>;
    if (typeof dtype !== 'string') fail(`tensor '${name}' has no dtype string`);
    const st = Object.hasOwn(ST_DTYPES, dtype) ? ST_DTYPES[dtype] : undefined;
    if (!st)
      fail(
        `tensor '${name}' has unknown or unsupported dtype '${dtype}' (supported: ${Object.keys(ST_DTYPES).join(', ')})`,
      );
    if (!Array.isArray(shape) || !shape.every(isNonNegInt))
      fail(
        `tensor '${name}' has an invalid shape ${JSON.stringify(shape)} (expected an array of non-negative integers)`,
      );
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isNonNegInt))
      fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offs)} (expected [begin, end])`);
    const [begin, end] = offs as [number, number];
    if (end < begin) fail(`tensor '${name}' has data_offsets [${begin}, ${end}] with end before begin`);
    if (end > dataLen)
      fail(
        `tensor '${name}' has data_offsets [${begin}, ${end}] beyond the ${dataLen} bytes of data in the file (truncated or corrupted)`,
      );
    // Multiply in floating point: an absurd shape overflows to a huge number, never wraps.
    let numel = 1;
    for (const s of shape as number[]) numel *= s;
    const expected = numel * st.size;
    if (expected !== end - begin)
      fail(
        `tensor '${name}' of dtype ${dtype} and shape [${(shape as number[]).join(', ')}] needs ${expected} bytes but its data_offsets [${begin}, ${end}] span ${end - begin}`,
      );
    infos.push([name, { dtype, shape: (shape as number[]).slice(), dataOffsets: [begin, end] }]);
  }
  infos.sort(
    (a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1],
  );
  let pos = 0;
  for (const [name, info] of infos) {
    const [begin, end] = info.dataOffsets;
    if (begin < pos)
      fail(
        `tensor '${name}' (data_offsets [${begin}, ${end}]) overlaps the previous tensor, which ends at ${pos}`,
      );
    if (begin > pos)
      fail(
        `tensor '${name}' starts at ${begin} but the previous tensor ends at ${pos}: data must be contiguous`,
      );
    pos = end;
  }
  if (pos !== dataLen)
    fail(`the tensors cover ${pos} bytes but the file holds ${dataLen} bytes of data after the header`);
  const tensors: Record<string, SafetensorsTensorInfo> = {};
  for (const [name, info] of infos) tensors[name] = info;
  return { metadata, tensors, dataStart };
}

/** The `__metadata__` map of a safetensors file (null when absent); validates the whole header. */
export function loadSafetensorsMetadata(bytes: Uint8Array | ArrayBuffer): Record<string, string> | null {
  return parseSafetensorsHeader(bytes).metadata;
}

/**
 * Loads every tensor of a safetensors file. F32/F64/I32/BOOL load as float32/float64/int32/bool;
 * F16/BF16 widen to float32 and the other integer types narrow to int32 (an error if a value does
 * not fit). Malformed files raise an error naming the problem.
 */
export function loadSafetensors(
  input: Uint8Array | ArrayBuffer,
  opts: LoadSafetensorsOptions = {},
): Record<string, Tensor> {
  const bytes = asBytes(input);
  const header = parseSafetensorsHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, Tensor> = {};
  for (const [name, info] of Object.entries(header.tensors)) {
    const st = ST_DTYPES[info.dtype];
    const n = (info.dataOffsets[1] - info.dataOffsets[0]) / st.size;
    const data = st.read(view, header.dataStart + info.dataOffsets[0], n, name);
    out[name] = k.tensor(data, { dtype: st.dtype, shape: info.shape, device: opts.device });
  }
  return out;
}
