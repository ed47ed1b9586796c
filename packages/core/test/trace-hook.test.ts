/** The op-level trace hook (`setTraceHook`): what it reports and that it costs nothing when off. */
import '@kindling/backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import * as k from '../src/index.js';

interface Rec {
  kind: string;
  name: string;
  nargs: number;
}

function record(fn: () => void): { ops: Rec[]; reads: string[] } {
  const ops: Rec[] = [];
  const reads: string[] = [];
  k.setTraceHook({
    op: (kind, name, args) => ops.push({ kind, name, nargs: args.length }),
    read: (method) => reads.push(method),
  });
  try {
    fn();
  } finally {
    k.setTraceHook(null);
  }
  return { ops, reads };
}

afterEach(() => k.setTraceHook(null));

describe('trace hook', () => {
  it('reports outermost public ops only, functions and methods', () => {
    const x = k.randn([2, 3]);
    const w = k.randn([4, 3]);
    const { ops } = record(() => {
      const y = k.linear(x, w); // composite: matmul + t inside are not reported
      y.relu().softmax(-1);
      k.add(y, 1);
    });
    expect(ops.map((o) => `${o.kind}:${o.name}`)).toEqual([
      'function:linear',
      'method:relu',
      'method:softmax',
      'function:add',
    ]);
    expect(ops[1].nargs).toBe(1); // [self]
  });

  it('reports value reads outside ops, and creation functions', () => {
    const x = k.randn([3]);
    const { ops, reads } = record(() => {
      x.sum().item();
      x.tolist();
      k.zeros([2]);
    });
    expect(reads).toEqual(['item', 'tolist']);
    expect(ops.map((o) => o.name)).toEqual(['sum', 'zeros']);
  });

  it('restores the Tensor methods and stops reporting when cleared', () => {
    const before = k.Tensor.prototype.add;
    const { ops } = record(() => {
      expect(k.Tensor.prototype.add).not.toBe(before);
    });
    expect(ops).toEqual([]);
    expect(k.Tensor.prototype.add).toBe(before);
    expect(k.getTraceHook()).toBeNull();
  });

  it('untraced() suspends reporting', () => {
    const x = k.randn([3]);
    const { ops } = record(() => {
      k.untraced(() => x.exp());
      expect(k.isInsideTracedOp()).toBe(false);
      x.neg();
    });
    expect(ops.map((o) => o.name)).toEqual(['neg']);
  });
});
