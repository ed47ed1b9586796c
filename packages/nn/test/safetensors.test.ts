import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
import {
  loadSafetensors,
  loadSafetensorsMetadata,
  MAX_HEADER_SIZE,
  parseSafetensorsHeader,
  saveSafetensors,
} from '../src/safetensors.js';

const enc = new TextEncoder();

/** Builds a file by hand: u64 LE header length, header bytes, data bytes. */
function build(header: string, data: number[] = [], lengthOverride?: bigint): Uint8Array {
  const h = enc.encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('safetensors: golden bytes', () => {
  it("matches the Rust library's serialization test vector (F32 [1, 2, 3], no padding needed)", () => {
    // From safetensors' own test suite: header length 64, compact JSON, then 6 little-endian floats.
    const expected = [
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101,
      34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34,
      100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0,
      0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ];
    const t = k.tensor([0, 1, 2, 3, 4, 5]).reshape([1, 2, 3]);
    const bytes = saveSafetensors({ 'attn.0': t });
    expect(Array.from(bytes)).toEqual(expected);
    const back = loadSafetensors(new Uint8Array(expected));
    expect(back['attn.0'].shape).toEqual([1, 2, 3]);
    expect(back['attn.0'].dtype).toBe('float32');
    expect(Array.from(back['attn.0'].dataSync())).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('writes a hand-built vector: dtype-major order, space padding to 8 bytes, metadata first', () => {
    const header =
      '{"__metadata__":{"format":"pt"},' +
      '"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"n":{"dtype":"I32","shape":[],"data_offsets":[8,12]},' +
      '"m":{"dtype":"BOOL","shape":[3],"data_offsets":[12,15]}}';
    // 194 bytes of JSON -> 6 spaces of padding -> 200 (8-byte aligned).
    expect(header.length).toBe(194);
    const padded = `${header}      `;
    const data = [
      0x00,
      0x00,
      0x80,
      0x3f, // 1.0f
      0x00,
      0x00,
      0x00,
      0xc0, // -2.0f
      0x03,
      0x00,
      0x00,
      0x00, // int32 3
      0x01,
      0x00,
      0x01, // true false true
    ];
    const expected = build(padded, data);
    expect(expected[0]).toBe(200);
    const bytes = saveSafetensors(
      {
        m: k.tensor([true, false, true]),
        n: k.tensor(3, { dtype: 'int32' }),
        w: k.tensor([1, -2]),
      },
      { format: 'pt' },
    );
    expect(Array.from(bytes)).toEqual(Array.from(expected));
  });

  it('sorts by dtype (F64, F32, I32, BOOL) then name by bytes', () => {
    const bytes = saveSafetensors({
      b: k.tensor([1], { dtype: 'float32' }),
      a: k.tensor([1], { dtype: 'float32' }),
      z: k.tensor([1], { dtype: 'float64' }),
      B: k.tensor([1], { dtype: 'float32' }),
      i: k.tensor([1], { dtype: 'int32' }),
    });
    const h = parseSafetensorsHeader(bytes);
    expect(Object.keys(h.tensors)).toEqual(['z', 'B', 'a', 'b', 'i']);
    expect(h.tensors.z.dataOffsets).toEqual([0, 8]);
    expect((h.dataStart - 8) % 8).toBe(0);
  });

  it('writes an empty state dict as "{}" padded', () => {
    const bytes = saveSafetensors({});
    expect(Array.from(bytes)).toEqual(Array.from(build('{}      ')));
    expect(loadSafetensors(bytes)).toEqual({});
  });
});

describe('safetensors: round trip', () => {
  it('round-trips every dtype, 0-d, empty and non-contiguous tensors', () => {
    const base = k.tensor(
      [
        [1.5, 2.5, 3.5],
        [4.5, 5.5, 6.5],
      ],
      { dtype: 'float64' },
    );
    const sd: Record<string, k.Tensor> = {
      f32: k.tensor([0.1, -1e30, Number.POSITIVE_INFINITY, Number.NaN]),
      f64: base,
      t: base.transpose(0, 1),
      i32: k.tensor([-2147483648, 2147483647, 0], { dtype: 'int32' }),
      b: k.tensor([[true], [false]]),
      scalar: k.tensor(42, { dtype: 'int32' }),
      empty: k.zeros([0, 3]),
      'layer.0.weight': k.randn([4, 5]),
    };
    const back = loadSafetensors(saveSafetensors(sd, { note: 'hi' }));
    expect(Object.keys(back).sort()).toEqual(Object.keys(sd).sort());
    for (const [name, t] of Object.entries(sd)) {
      expect(back[name].dtype).toBe(t.dtype);
      expect(back[name].shape).toEqual(t.shape);
      expect(Array.from(back[name].dataSync())).toEqual(Array.from(t.dataSync()));
    }
    expect(loadSafetensorsMetadata(saveSafetensors(sd, { note: 'hi' }))).toEqual({ note: 'hi' });
    expect(loadSafetensorsMetadata(saveSafetensors(sd))).toBeNull();
  });

  it('accepts an ArrayBuffer and an unaligned view of a larger buffer', () => {
    const bytes = saveSafetensors({ x: k.tensor([1, 2, 3], { dtype: 'float64' }) });
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    const view = big.subarray(3);
    expect(Array.from(loadSafetensors(view).x.dataSync())).toEqual([1, 2, 3]);
    const ab = new ArrayBuffer(bytes.byteLength);
    new Uint8Array(ab).set(bytes);
    expect(Array.from(loadSafetensors(ab).x.dataSync())).toEqual([1, 2, 3]);
  });

  it('loads the dtypes PyTorch writes that Kindling narrows or widens (I64, F16, BF16, U8)', () => {
    const header =
      '{"a":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},' +
      '"h":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},' +
      '"bf":{"dtype":"BF16","shape":[1],"data_offsets":[20,22]},' +
      '"u":{"dtype":"U8","shape":[2],"data_offsets":[22,24]}}';
    const data = [
      5,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0xfe,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff, // 5, -2 (i64)
      0x00,
      0x3c,
      0x00,
      0xc0, // 1.0, -2.0 (f16)
      0x80,
      0x3f, // 1.0 (bf16)
      200,
      7,
    ];
    const out = loadSafetensors(build(header, data));
    expect(out.a.dtype).toBe('int32');
    expect(Array.from(out.a.dataSync())).toEqual([5, -2]);
    expect(Array.from(out.h.dataSync())).toEqual([1, -2]);
    expect(Array.from(out.bf.dataSync())).toEqual([1]);
    expect(Array.from(out.u.dataSync())).toEqual([200, 7]);
  });

  it('gives a model state dict back unchanged for loading', () => {
    const sd = { 'fc1.weight': k.randn([3, 2]), 'fc1.bias': k.randn([3]) };
    const back = loadSafetensors(saveSafetensors(sd));
    expect(Array.from(back['fc1.weight'].dataSync())).toEqual(Array.from(sd['fc1.weight'].dataSync()));
  });
});

describe('safetensors: malformed files', () => {
  const ok = (data: number[] = [0, 0, 128, 63]) =>
    build('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', data);

  it('rejects files shorter than the length prefix', () => {
    expect(() => loadSafetensors(new Uint8Array(5))).toThrow(/too small/);
  });

  it('rejects a header length larger than the file (truncation)', () => {
    const f = ok();
    expect(() => loadSafetensors(f.subarray(0, 20))).toThrow(/larger than the file/);
  });

  it('rejects a forged huge header length without allocating', () => {
    expect(() => loadSafetensors(build('{}', [], 2n ** 63n))).toThrow(/exceeds the limit/);
    expect(() => loadSafetensors(build('{}', [], BigInt(MAX_HEADER_SIZE + 1)))).toThrow(/exceeds the limit/);
  });

  it('rejects a non-JSON header and a non-object header', () => {
    expect(() => loadSafetensors(build('{"x": nope}'))).toThrow(/not valid JSON/);
    expect(() => loadSafetensors(build('[1, 2, 3]'))).toThrow(/start with '\{'/);
    expect(() => loadSafetensors(build('{"a":'))).toThrow(/not valid JSON/);
    expect(() => loadSafetensors(build('{'))).toThrow(/too small/);
  });

  it('rejects unknown dtypes and bad shapes', () => {
    expect(() =>
      loadSafetensors(build('{"x":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0, 0])),
    ).toThrow(/unknown or unsupported dtype 'Q7'/);
    expect(() =>
      loadSafetensors(build('{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', [0, 0, 0, 0])),
    ).toThrow(/invalid shape/);
    expect(() =>
      loadSafetensors(build('{"x":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}', [0, 0, 0, 0])),
    ).toThrow(/invalid shape/);
  });

  it('rejects a shape whose byte size does not match the offsets (incl. absurd shapes)', () => {
    expect(() =>
      loadSafetensors(build('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0])),
    ).toThrow(/needs 8 bytes but its data_offsets \[0, 4\] span 4/);
    expect(() =>
      loadSafetensors(
        build('{"x":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}', []),
      ),
    ).toThrow(/needs/);
  });

  it('rejects offsets out of range, overlapping, non-contiguous or leaving data uncovered', () => {
    expect(() =>
      loadSafetensors(build('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [0, 0])),
    ).toThrow(/beyond the 2 bytes/);
    expect(() =>
      loadSafetensors(build('{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}', [0, 0, 0, 0])),
    ).toThrow(/end before begin/);
    const two = (a: string, b: string, n: number) =>
      build(
        `{"a":{"dtype":"F32","shape":[1],"data_offsets":${a}},"b":{"dtype":"F32","shape":[1],"data_offsets":${b}}}`,
        new Array(n).fill(0),
      );
    expect(() => loadSafetensors(two('[0,4]', '[2,6]', 8))).toThrow(/overlaps/);
    expect(() => loadSafetensors(two('[0,4]', '[0,4]', 4))).toThrow(/overlaps/);
    expect(() => loadSafetensors(two('[0,4]', '[8,12]', 12))).toThrow(/contiguous/);
    expect(() => loadSafetensors(ok([0, 0, 128, 63, 1, 2]))).toThrow(/cover 4 bytes but the file holds 6/);
    expect(() => loadSafetensors(two('[4,8]', '[0,4]', 8))).not.toThrow();
  });

  it('rejects missing fields, bad metadata and invalid UTF-8', () => {
    expect(() => loadSafetensors(build('{"x":{"dtype":"F32","shape":[1]}}', [0, 0, 0, 0]))).toThrow(
      /data_offsets/,
    );
    expect(() => loadSafetensors(build('{"x":3}'))).toThrow(/must be an object/);
    expect(() => loadSafetensors(build('{"__metadata__":{"a":1}}'))).toThrow(/must be a string/);
    const bad = build('{"\u00e9":1}');
    bad[10] = 0xff;
    expect(() => loadSafetensors(bad)).toThrow(/UTF-8|JSON/);
  });

  it('rejects BOOL bytes other than 0/1, and integers that do not fit int32', () => {
    expect(() =>
      loadSafetensors(build('{"x":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}', [2])),
    ).toThrow(/expected 0 or 1/);
    expect(() =>
      loadSafetensors(
        build('{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', [0, 0, 0, 0, 1, 0, 0, 0]),
      ),
    ).toThrow(/does not fit in int32/);
  });

  it('rejects bad arguments on save', () => {
    expect(() => saveSafetensors({ x: 3 as unknown as k.Tensor })).toThrow(/not a Tensor/);
    expect(() => saveSafetensors({ __metadata__: k.zeros([1]) })).toThrow(/reserved/);
    expect(() => saveSafetensors({}, { a: 1 as unknown as string })).toThrow(/must be a string/);
  });
});
