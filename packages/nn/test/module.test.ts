import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { nn } from '@kindling/nn';
import { describe, expect, it } from 'vitest';

class Net extends nn.Module {
  fc1: nn.Linear;
  bn: nn.BatchNorm1d;
  layers: nn.ModuleList<nn.Linear>;
  scale: nn.Parameter;
  fc2: nn.Linear;
  constructor() {
    super();
    this.fc1 = new nn.Linear(4, 3);
    this.bn = new nn.BatchNorm1d(3);
    this.layers = new nn.ModuleList([new nn.Linear(3, 3), new nn.Linear(3, 3, { bias: false })]);
    this.scale = new nn.Parameter(k.ones(1));
    this.fc2 = new nn.Linear(3, 2);
  }
  override forward(x: k.Tensor): k.Tensor {
    let h = this.bn.call(this.fc1.call(x)).relu();
    for (const l of this.layers) h = l.call(h);
    return this.fc2.call(h.mul(this.scale));
  }
}

describe('Parameter', () => {
  it('is a leaf tensor sharing storage with its data, requiring grad', () => {
    const t = k.randn(3, 4);
    const p = new nn.Parameter(t);
    expect(p).toBeInstanceOf(k.Tensor);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(p.shape).toEqual([3, 4]);
    k.noGrad(() => p.fill_(2));
    expect(t.tolist()).toEqual(p.tolist());
    expect(new nn.Parameter(k.zeros(2), false).requiresGrad).toBe(false);
    expect(p.toString()).toMatch(/^Parameter containing:\ntensor\(/);
  });
  it('survives tidy scopes', () => {
    const p = k.tidy(() => new nn.Parameter(k.randn(2)));
    expect(p.isDisposed).toBe(false);
    expect(p.tolist()).toHaveLength(2);
  });
});

describe('Module discovery and state dicts', () => {
  it('finds parameters, buffers and children in declaration order with PyTorch names', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'scale',
      'fc1.weight',
      'fc1.bias',
      'bn.weight',
      'bn.bias',
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'fc2.weight',
      'fc2.bias',
    ]);
    expect(net.namedBuffers().map(([n]) => n)).toEqual([
      'bn.running_mean',
      'bn.running_var',
      'bn.num_batches_tracked',
    ]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['fc1', 'bn', 'layers', 'fc2']);
    expect(net.namedModules().map(([n]) => n)).toEqual([
      '',
      'fc1',
      'bn',
      'layers',
      'layers.0',
      'layers.1',
      'fc2',
    ]);
    expect(Object.keys(net.stateDict())).toEqual([
      'scale',
      'fc1.weight',
      'fc1.bias',
      'bn.weight',
      'bn.bias',
      'bn.running_mean',
      'bn.running_var',
      'bn.num_batches_tracked',
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'fc2.weight',
      'fc2.bias',
    ]);
  });

  it('has PyTorch keys for RNNs, attention and nested containers', () => {
    class M extends nn.Module {
      rnn = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
      attn = new nn.MultiheadAttention(4, 2);
      seq = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.BatchNorm2d(2));
      dict = new nn.ModuleDict({ emb: new nn.Embedding(5, 2) });
      plist = new nn.ParameterList([k.zeros(2), k.ones(3)]);
    }
    const keys = Object.keys(new M().stateDict());
    expect(keys.slice(0, 8)).toEqual([
      'rnn.weight_ih_l0',
      'rnn.weight_hh_l0',
      'rnn.bias_ih_l0',
      'rnn.bias_hh_l0',
      'rnn.weight_ih_l0_reverse',
      'rnn.weight_hh_l0_reverse',
      'rnn.bias_ih_l0_reverse',
      'rnn.bias_hh_l0_reverse',
    ]);
    expect(keys).toContain('rnn.weight_hh_l1_reverse');
    expect(keys.slice(16)).toEqual([
      'attn.in_proj_weight',
      'attn.in_proj_bias',
      'attn.out_proj.weight',
      'attn.out_proj.bias',
      'seq.0.weight',
      'seq.0.bias',
      'seq.2.weight',
      'seq.2.bias',
      'seq.2.running_mean',
      'seq.2.running_var',
      'seq.2.num_batches_tracked',
      'dict.emb.weight',
      'plist.0',
      'plist.1',
    ]);
  });

  it('round-trips a state dict into a fresh model', () => {
    const a = new Net();
    const b = new Net();
    a.train();
    a.call(k.randn(5, 4));
    const res = b.loadStateDict(a.stateDict());
    expect(res).toEqual({ missingKeys: [], unexpectedKeys: [] });
    a.eval();
    b.eval();
    const x = k.randn(2, 4);
    expect(b.call(x).tolist()).toEqual(a.call(x).tolist());
    expect(b.bn.runningMean?.tolist()).toEqual(a.bn.runningMean?.tolist());
    expect(b.bn.numBatchesTracked?.item()).toBe(1);
  });

  it('reports missing, unexpected and mismatched keys by name like PyTorch', () => {
    const net = new Net();
    const sd = net.stateDict();
    delete sd['fc1.bias'];
    sd['fc3.weight'] = k.zeros(1);
    sd['fc2.weight'] = k.zeros(5, 3);
    let msg = '';
    try {
      net.loadStateDict(sd);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toBe(
      'Error(s) in loading state_dict for Net:\n' +
        '\tMissing key(s) in state_dict: "fc1.bias". \n' +
        '\tUnexpected key(s) in state_dict: "fc3.weight". \n' +
        '\tsize mismatch for fc2.weight: copying a param with shape [5, 3] from checkpoint, the shape in current model is [2, 3].',
    );
    // Non-strict still rejects shape mismatches but reports the rest.
    sd['fc2.weight'] = k.zeros(2, 3);
    expect(net.loadStateDict(sd, { strict: false })).toEqual({
      missingKeys: ['fc1.bias'],
      unexpectedKeys: ['fc3.weight'],
    });
    expect(net.fc2.weight.tolist()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('stateDict values share storage but are detached; keepVars returns the parameters', () => {
    const lin = new nn.Linear(2, 2);
    const sd = lin.stateDict();
    expect(sd.weight.requiresGrad).toBe(false);
    k.noGrad(() => sd.weight.fill_(7));
    expect(lin.weight.tolist()).toEqual([
      [7, 7],
      [7, 7],
    ]);
    expect(lin.stateDict({ keepVars: true }).weight).toBe(lin.weight);
  });

  it('non-persistent buffers are not in the state dict; registered names are validated', () => {
    class B extends nn.Module {
      constructor() {
        super();
        this.registerBuffer('keep', k.zeros(2));
        this.registerBuffer('tmp', k.ones(2), false);
      }
    }
    const b = new B();
    expect(b.namedBuffers().map(([n]) => n)).toEqual(['keep', 'tmp']);
    expect(Object.keys(b.stateDict())).toEqual(['keep']);
    expect(() => b.registerBuffer('a.b', k.zeros(1))).toThrow(/can't contain "."/);
    expect(() => b.registerParameter('w', k.zeros(1) as nn.Parameter)).toThrow(
      /nn.Parameter or null required/,
    );
  });

  it('shared submodules and parameters are listed once', () => {
    const shared = new nn.Linear(2, 2);
    class S extends nn.Module {
      a = shared;
      b = shared;
    }
    const s = new S();
    expect(s.parameters()).toHaveLength(2);
    expect(s.namedChildren().map(([n]) => n)).toEqual(['a']);
  });
});

describe('Module behaviour', () => {
  it('call runs pre-hooks, forward and hooks; handles remove them', () => {
    const lin = new nn.Linear(2, 2);
    const log: string[] = [];
    const h1 = lin.registerForwardPreHook((_m, args) => {
      log.push('pre');
      return [(args[0] as k.Tensor).mul(0)];
    });
    const h2 = lin.registerForwardHook((m, _args, out) => {
      log.push('post');
      expect(m).toBe(lin);
      return (out as k.Tensor).add(1);
    });
    const y = lin.call(k.ones(1, 2));
    expect(log).toEqual(['pre', 'post']);
    const b = lin.bias?.tolist() as number[];
    expect((y.tolist() as number[][])[0].map((v, i) => v - b[i])).toEqual(
      [1, 1].map((v) => expect.closeTo(v, 6)),
    );
    h1.remove();
    h2.remove();
    lin.call(k.ones(1, 2));
    expect(log).toEqual(['pre', 'post']);
  });

  it('missing forward throws like PyTorch', () => {
    class Empty extends nn.Module {}
    expect(() => (new Empty().call as () => unknown)()).toThrow(
      'Module [Empty] is missing the required "forward" function',
    );
  });

  it('train/eval propagate; zeroGrad; requiresGrad_; apply', () => {
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.layers.get(1).training).toBe(true);
    net.call(k.randn(4, 4)).sum().backward();
    expect(net.fc1.weight.grad).not.toBeNull();
    net.zeroGrad({ setToNone: false });
    expect(net.fc1.weight.grad?.abs().sum().item()).toBe(0);
    net.zeroGrad();
    expect(net.fc1.weight.grad).toBeNull();
    net.requiresGrad_(false);
    expect(net.parameters().every((p) => !p.requiresGrad)).toBe(true);
    const names: string[] = [];
    net.apply((m) => names.push(m.constructor.name));
    expect(names).toEqual(['Linear', 'BatchNorm1d', 'Linear', 'Linear', 'ModuleList', 'Linear', 'Net']);
  });

  it('to(dtype) converts floating parameters and buffers, keeps integer buffers', () => {
    const net = new Net().double();
    expect(net.parameters().every((p) => p.dtype === 'float64' && p.requiresGrad)).toBe(true);
    expect(net.parameters().every((p) => p instanceof nn.Parameter)).toBe(true);
    expect(net.bn.runningMean?.dtype).toBe('float64');
    expect(net.bn.numBatchesTracked?.dtype).toBe('int32');
    expect(net.call(k.randn([2, 4], { dtype: 'float64' })).dtype).toBe('float64');
    const before = net.fc1.weight;
    net.to('cpu');
    expect(net.fc1.weight).toBe(before);
  });

  it('deepCopy gives an independent module tree', () => {
    const a = new Net();
    const b = nn.deepCopy(a);
    expect(b).toBeInstanceOf(Net);
    expect(b.fc1).not.toBe(a.fc1);
    expect(b.fc1.weight.tolist()).toEqual(a.fc1.weight.tolist());
    k.noGrad(() => b.fc1.weight.fill_(0));
    expect(a.fc1.weight.abs().sum().item()).toBeGreaterThan(0);
    expect(Object.keys(b.stateDict())).toEqual(Object.keys(a.stateDict()));
  });
});

describe('containers', () => {
  it('Sequential runs in order, indexes, appends and accepts named children', () => {
    const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    expect(seq.length).toBe(3);
    expect(seq[0]).toBeInstanceOf(nn.Linear);
    expect(seq.get(-1)).toBe(seq[2]);
    expect(seq.call(k.randn(5, 3)).shape).toEqual([5, 2]);
    seq.append(new nn.Softmax(1));
    const y = seq.call(k.randn(2, 3));
    expect((y.sum(1).tolist() as number[]).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
    const named = new nn.Sequential({ conv: new nn.Conv2d(1, 2, 3), act: new nn.ReLU() });
    expect(Object.keys(named.stateDict())).toEqual(['conv.weight', 'conv.bias']);
    expect(named.call(k.randn(1, 1, 5, 5)).shape).toEqual([1, 2, 3, 3]);
  });

  it('ModuleList insert/pop keep indices contiguous; ModuleDict keeps insertion order', () => {
    const ml = new nn.ModuleList([new nn.Linear(1, 1), new nn.Linear(2, 2)]);
    ml.insert(0, new nn.Linear(3, 3));
    expect(ml.map((m) => (m as nn.Linear).inFeatures)).toEqual([3, 1, 2]);
    ml.pop(1);
    expect(ml.map((m) => (m as nn.Linear).inFeatures)).toEqual([3, 2]);
    expect(Object.keys(ml.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    const md = new nn.ModuleDict({ z: new nn.ReLU(), call: new nn.Linear(1, 1), a: new nn.Tanh() });
    expect(md.keys()).toEqual(['z', 'call', 'a']);
    expect(md.get('call')).toBeInstanceOf(nn.Linear);
    expect(Object.keys(md.stateDict())).toEqual(['call.weight', 'call.bias']);
  });
});

describe('toString', () => {
  it('prints a tree like PyTorch print(model)', () => {
    class Small extends nn.Module {
      conv = new nn.Conv2d(1, 8, 3, { padding: 1 });
      bn = new nn.BatchNorm2d(8);
      pool = new nn.MaxPool2d(2);
      drop = new nn.Dropout(0.25);
      blocks = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4), new nn.Linear(4, 2)]);
      head = new nn.Sequential(
        new nn.Flatten(),
        new nn.Linear(392, 10, { bias: false }),
        new nn.LogSoftmax(1),
      );
      ln = new nn.LayerNorm(10);
      rnn = new nn.GRU(10, 20, { numLayers: 2, batchFirst: true });
      act = new nn.LeakyReLU(0.2);
      gelu = new nn.GELU();
      emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
    }
    expect(new Small().toString()).toBe(
      [
        'Small(',
        '  (conv): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))',
        '  (bn): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  (pool): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
        '  (drop): Dropout(p=0.25, inplace=False)',
        '  (blocks): ModuleList(',
        '    (0-1): 2 x Linear(in_features=4, out_features=4, bias=True)',
        '    (2): Linear(in_features=4, out_features=2, bias=True)',
        '  )',
        '  (head): Sequential(',
        '    (0): Flatten(start_dim=1, end_dim=-1)',
        '    (1): Linear(in_features=392, out_features=10, bias=False)',
        '    (2): LogSoftmax(dim=1)',
        '  )',
        '  (ln): LayerNorm((10,), eps=1e-05, elementwise_affine=True)',
        '  (rnn): GRU(10, 20, num_layers=2, batch_first=True)',
        '  (act): LeakyReLU(negative_slope=0.2)',
        "  (gelu): GELU(approximate='none')",
        '  (emb): Embedding(10, 3, padding_idx=0)',
        ')',
      ].join('\n'),
    );
    expect(new nn.ReLU().toString()).toBe('ReLU()');
    expect(new nn.MultiheadAttention(4, 2).toString()).toBe(
      [
        'MultiheadAttention(',
        '  (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)',
        ')',
      ].join('\n'),
    );
  });
});
