/** Guards the op list: every op must have conformance cases (and so gradcheck on cpu). */
import { conformanceCases } from '@kindling/core/testing';
import { describe, expect, it } from 'vitest';

const REQUIRED =
  `add sub mul div pow neg abs sqrt rsqrt exp log log1p sin cos tanh sigmoid relu leakyRelu gelu silu
softplus clamp maximum minimum where eq ne lt le gt ge logicalAnd logicalOr logicalNot matmul mm bmm outer
sum mean prod max min argmax argmin var std logsumexp all any softmax logSoftmax cat stack split chunk
indexSelect gather scatter scatterAdd maskedFill oneHot cumsum flip repeat tile pad triu tril sort argsort topk
view reshape transpose permute expand squeeze unsqueeze flatten narrow select index indexPut`.split(/\s+/);

describe('conformance coverage', () => {
  const covered = new Set(conformanceCases.map((c) => c.op));
  it.each(REQUIRED)('%s has conformance cases', (op) => {
    expect(covered.has(op) || covered.has(`${op}_`)).toBe(true);
  });
  it('includes odd layouts and shapes', () => {
    const layouts = new Set(conformanceCases.flatMap((c) => c.inputs.map((i) => i.layout ?? 'contiguous')));
    expect([...layouts].sort()).toEqual(['contiguous', 'expanded', 'strided', 'transposed']);
    expect(conformanceCases.some((c) => c.inputs.some((i) => i.shape.includes(0)))).toBe(true);
    expect(conformanceCases.some((c) => c.inputs.some((i) => i.shape.length === 0))).toBe(true);
  });
});
