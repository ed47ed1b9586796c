/**
 * The fresh-process half of jit.test.ts: run by that test in a child process (with
 * KINDLING_JIT_CHILD_DIR set), it loads each saved module with nothing but `jit.load` (the model
 * classes are never imported here), runs it on cpu and writes the raw output bytes back.
 * Skipped in a normal test run.
 */
import '@kindling/backend-cpu';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k from '@kindling/core';
import { jit } from '@kindling/nn';
import { describe, expect, it } from 'vitest';

const dir = process.env.KINDLING_JIT_CHILD_DIR;

describe.runIf(dir)('jit reload in a fresh process', () => {
  it('loads every saved module and runs it on cpu', () => {
    const d = dir as string;
    const names = readdirSync(d).filter((f) => f.endsWith('.kjit'));
    expect(names.length).toBeGreaterThan(0);
    for (const f of names) {
      const name = f.slice(0, -'.kjit'.length);
      const m = jit.load(new Uint8Array(readFileSync(join(d, f))));
      const meta = JSON.parse(readFileSync(join(d, `${name}.input.json`), 'utf8')) as {
        shape: number[];
        dtype: k.DType;
      };
      const raw = readFileSync(join(d, `${name}.input.bin`));
      const data = k.allocArray(meta.dtype, raw.byteLength / k.bytesPerElement(meta.dtype));
      new Uint8Array(data.buffer).set(raw);
      const x = k.tensor(data, { dtype: meta.dtype, shape: meta.shape });
      const y = m.call(x) as k.Tensor;
      const out = y.dataSync();
      writeFileSync(
        join(d, `${name}.output.bin`),
        new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
      );
    }
  });
});
