/**
 * The traced graph IR: a typed list of public-op calls in execution order.
 *
 * - `values[id]` is the shape and dtype every graph value had when traced. Values are graph inputs,
 *   parameters/buffers (by their `stateDict` name), constants (tensors made inside `forward`, or
 *   captured from outside) and node outputs; each is defined once (SSA: an in-place op defines a
 *   new value).
 * - A node is one call of a public op of `@kindling/core`, as written in the traced code: `kind`
 *   'function' (`k.conv2d(x, w, b, opts)`) or 'method' (`x.view(2, -1)`, `args[0]` is `x`); `args`
 *   are the call's arguments with tensors replaced by value references; `out` is the result's
 *   structure with tensors replaced by the value ids they define.
 * - Replaying the nodes through the same public ops reproduces the values (bit for bit on the
 *   same backend) and records autograd like the original code.
 *
 * Arguments and outputs are JSON: numbers, strings, booleans, null, arrays, and tagged objects:
 * `{ $v: id }` a graph value, `{ $u: 0 }` undefined, `{ $n: 'NaN' | 'Infinity' | '-Infinity' }`,
 * `{ $slice: [start, end, step] }` a `k.slice(...)`, `{ $o: { ... } }` a plain options object.
 */
import * as k from '@kindling/core';

type Tensor = k.Tensor;

/** An encoded argument or output structure (see the module doc). */
export type EncodedArg =
  | null
  | boolean
  | number
  | string
  | EncodedArg[]
  | { $v: number }
  | { $u: 0 }
  | { $n: 'NaN' | 'Infinity' | '-Infinity' }
  | { $slice: [number | null, number | null, number] }
  | { $o: { [key: string]: EncodedArg } };

/** Shape and dtype of a graph value, as traced. */
export interface ValueInfo {
  shape: number[];
  dtype: k.DType;
}

/** One recorded op call. */
export interface GraphNode {
  /** 'function': `k[op](...args)`; 'method': `args[0][op](...args.slice(1))`. */
  kind: k.TraceCallKind;
  op: string;
  args: EncodedArg[];
  /** The result's structure; each `{ $v: id }` in it defines that value. */
  out: EncodedArg;
  /** True when the op ran with gradient recording off (inside `k.noGrad`). */
  noGrad?: boolean;
}

/** A parameter or buffer the graph reads, by its `stateDict` name. */
export interface GraphParam {
  name: string;
  value: number;
  kind: 'parameter' | 'buffer';
  /** For parameters: whether it requires gradients. */
  requiresGrad?: boolean;
}

/** A constant tensor stored with the graph. */
export interface GraphConstant {
  name: string;
  value: number;
  /** True when an in-place op writes it: each call then starts from a fresh copy. */
  mutable?: boolean;
}

/** The whole traced program. */
export interface Graph {
  version: 1;
  values: ValueInfo[];
  inputs: number[];
  params: GraphParam[];
  constants: GraphConstant[];
  nodes: GraphNode[];
  /** What `forward` returned, with tensors as value references. */
  output: EncodedArg;
}

/** Current graph format version. */
export const GRAPH_VERSION = 1;

// ------------------------------------------------------------------ ops that may be replayed

/** Free functions of `@kindling/core` that report themselves to the trace hook (and may be replayed). */
export const FUNCTION_OPS: ReadonlySet<string> = new Set(
  (
    'add sub mul div floorDivide pow maximum minimum remainder fmod atan2 ' +
    'eq ne lt le gt ge logicalAnd logicalOr logicalXor logicalNot isnan isinf isposinf isneginf isfinite ' +
    'isclose where clamp clampMin clampMax clip clone contiguous copy_ fill_ zero_ ' +
    'indexSelect gather scatter scatterAdd indexAdd take maskedFill maskedSelect nonzero oneHot index indexPut ' +
    'matmul mm bmm mv dot outer addmm linear unbind im2col col2im conv2d conv1d convTranspose2d ' +
    'maxPool2dWithIndices maxPool2d avgPool2d adaptiveAvgPool2d interpolate ' +
    'sum mean prod amax amin max min argmax argmin var std varMean stdMean logsumexp all any countNonzero norm ' +
    'cumsum cumprod cummax cummin cat concat stack split chunk flip repeat tile pad triu tril movedim moveaxis ' +
    'swapaxes swapdims softmax logSoftmax sort argsort msort topk kthvalue median ' +
    'neg exp exp2 expm1 log log2 log10 log1p abs sqrt rsqrt square reciprocal sign floor ceil round trunc frac ' +
    'sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh erf erfc sigmoid logsigmoid relu silu mish ' +
    'hardsigmoid hardswish leakyRelu gelu softplus elu selu celu hardtanh relu6 softsign threshold ' +
    'view reshape transpose permute expand squeeze unsqueeze flatten unflatten narrow select sumToSize'
  ).split(' '),
);

/** Creation functions: their results are recorded as constants, not as nodes. */
export const CREATION_OPS: ReadonlySet<string> = new Set(
  'tensor zeros ones empty full zerosLike onesLike emptyLike fullLike arange linspace eye rand randn randLike randnLike randint randperm'.split(
    ' ',
  ),
);
/** Creation functions that draw random numbers (a trace freezes their values). */
export const RANDOM_OPS: ReadonlySet<string> = new Set(
  'rand randn randLike randnLike randint randperm'.split(' '),
);

/** Whether `name` is a Tensor method a graph may call. */
export function isMethodOp(name: string): boolean {
  // The tracer's own classification (core), minus `type`, which graphs do not replay.
  return name !== 'type' && k.traceMethodKind(name) === 'op';
}

/** Whether `name` is a free function of `@kindling/core` a graph may call. */
export function isFunctionOp(name: string): boolean {
  return FUNCTION_OPS.has(name) && typeof (k as unknown as Record<string, unknown>)[name] === 'function';
}

/** The function a node calls (the Tensor method or the free function). */
export function opFunction(kind: k.TraceCallKind, name: string): (...args: unknown[]) => unknown {
  if (kind === 'method') {
    const fn = (k.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    return function method(self: unknown, ...rest: unknown[]) {
      return fn.apply(self, rest);
    } as (...args: unknown[]) => unknown;
  }
  return (k as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
}

// ------------------------------------------------------------------ encoding and decoding

/** Whether `v` holds a Tensor anywhere (arrays and plain objects are searched). */
export function containsTensor(v: unknown): boolean {
  if (v instanceof k.Tensor) return true;
  if (Array.isArray(v)) return v.some(containsTensor);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return Object.values(v).some(containsTensor);
  return false;
}

/**
 * Encodes a JS argument, replacing tensors by `tensorRef(t)`. Throws for values a graph cannot
 * hold (functions, generators, class instances other than Tensor and k.slice()).
 */
export function encodeArg(v: unknown, tensorRef: (t: Tensor) => number, where: string): EncodedArg {
  if (v instanceof k.Tensor) return { $v: tensorRef(v) };
  if (v === undefined) return { $u: 0 };
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $n: 'NaN' };
    if (v === Number.POSITIVE_INFINITY) return { $n: 'Infinity' };
    if (v === Number.NEGATIVE_INFINITY) return { $n: '-Infinity' };
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => encodeArg(x, tensorRef, where));
  if (v instanceof k.SliceSpec) return { $slice: [v.start, v.end, v.step] };
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const o: { [key: string]: EncodedArg } = {};
    for (const [key, x] of Object.entries(v)) o[key] = encodeArg(x, tensorRef, where);
    return { $o: o };
  }
  const what = typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
  throw new Error(`jit.trace: ${where} has an argument of type ${what}, which a graph cannot hold`);
}

function isTagged(v: object, tag: string): boolean {
  return Object.hasOwn(v, tag);
}

/** Decodes an encoded argument, replacing value references by `lookupValue(id)`. */
export function decodeArg(e: EncodedArg, lookupValue: (id: number) => Tensor): unknown {
  if (e === null || typeof e !== 'object') return e;
  if (Array.isArray(e)) return e.map((x) => decodeArg(x, lookupValue));
  if (isTagged(e, '$v')) return lookupValue((e as { $v: number }).$v);
  if (isTagged(e, '$u')) return undefined;
  if (isTagged(e, '$n')) return Number((e as { $n: string }).$n);
  if (isTagged(e, '$slice')) {
    const [s, t, st] = (e as { $slice: [number | null, number | null, number] }).$slice;
    return k.slice(s, t, st);
  }
  const o: Record<string, unknown> = {};
  for (const [key, x] of Object.entries((e as { $o: Record<string, EncodedArg> }).$o))
    o[key] = decodeArg(x, lookupValue);
  return o;
}

/** Calls `f(id)` for every value reference in `e`. */
export function forEachRef(e: EncodedArg, f: (id: number) => void): void {
  if (e === null || typeof e !== 'object') return;
  if (Array.isArray(e)) {
    for (const x of e) forEachRef(x, f);
    return;
  }
  if (isTagged(e, '$v')) f((e as { $v: number }).$v);
  else if (isTagged(e, '$o'))
    for (const x of Object.values((e as { $o: Record<string, EncodedArg> }).$o)) forEachRef(x, f);
}

/** Binds the tensors of an op's `result` to the value ids of its encoded `out` structure. */
export function bindOutputs(
  out: EncodedArg,
  result: unknown,
  bind: (id: number, t: Tensor) => void,
  op: string,
): void {
  if (out !== null && typeof out === 'object' && !Array.isArray(out) && isTagged(out, '$v')) {
    if (!(result instanceof k.Tensor))
      throw new Error(`traced op '${op}' did not return a tensor where the graph expects one`);
    bind((out as { $v: number }).$v, result);
    return;
  }
  if (Array.isArray(out)) {
    if (!Array.isArray(result) || result.length !== out.length)
      throw new Error(
        `traced op '${op}' returned ${Array.isArray(result) ? result.length : 'no'} results where the graph expects ${out.length}`,
      );
    out.forEach((o, i) => {
      bindOutputs(o, result[i], bind, op);
    });
  }
}

// ------------------------------------------------------------------ validation (for loading)

function fail(msg: string): never {
  throw new Error(`jit.load: malformed graph: ${msg}`);
}

const DTYPES = new Set<string>(k.DTYPES);

function checkEncoded(e: unknown, where: string, depth = 0): void {
  if (depth > 64) fail(`${where}: arguments nested too deeply`);
  if (e === null || typeof e === 'boolean' || typeof e === 'string') return;
  if (typeof e === 'number') {
    if (!Number.isFinite(e)) fail(`${where}: invalid number`);
    return;
  }
  if (Array.isArray(e)) {
    for (const x of e) checkEncoded(x, where, depth + 1);
    return;
  }
  if (typeof e !== 'object') fail(`${where}: invalid argument of type ${typeof e}`);
  const keys = Object.keys(e as object);
  if (keys.length !== 1) fail(`${where}: invalid argument object with keys [${keys.join(', ')}]`);
  const [tag] = keys;
  const v = (e as Record<string, unknown>)[tag];
  switch (tag) {
    case '$v':
      if (!Number.isInteger(v) || (v as number) < 0)
        fail(`${where}: invalid value reference ${JSON.stringify(v)}`);
      return;
    case '$u':
      return;
    case '$n':
      if (v !== 'NaN' && v !== 'Infinity' && v !== '-Infinity')
        fail(`${where}: invalid number ${JSON.stringify(v)}`);
      return;
    case '$slice':
      if (
        !Array.isArray(v) ||
        v.length !== 3 ||
        !v.slice(0, 2).every((x) => x === null || Number.isInteger(x)) ||
        !Number.isInteger(v[2])
      )
        fail(`${where}: invalid slice ${JSON.stringify(v)}`);
      return;
    case '$o':
      if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`${where}: invalid options object`);
      for (const x of Object.values(v as object)) checkEncoded(x, where, depth + 1);
      return;
    default:
      fail(`${where}: unknown argument tag '${tag}'`);
  }
}

function isIntArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0);
}

/**
 * Checks that `g` (parsed JSON) is a well-formed graph: known version, valid value table, every
 * op one Kindling can replay, every value defined exactly once and before it is read.
 */
export function validateGraph(g: unknown): Graph {
  if (g === null || typeof g !== 'object' || Array.isArray(g)) fail('expected a JSON object');
  const o = g as Record<string, unknown>;
  if (o.version !== GRAPH_VERSION)
    fail(
      `unsupported graph version ${JSON.stringify(o.version)} (this Kindling reads version ${GRAPH_VERSION})`,
    );
  for (const key of ['values', 'inputs', 'params', 'constants', 'nodes'])
    if (!Array.isArray(o[key])) fail(`'${key}' must be an array`);
  if (!('output' in o)) fail("missing 'output'");
  const values = o.values as unknown[];
  values.forEach((v, i) => {
    const vi = v as Record<string, unknown>;
    if (v === null || typeof v !== 'object' || !isIntArray(vi.shape) || !DTYPES.has(vi.dtype as string))
      fail(`values[${i}] must be { shape: number[], dtype: one of ${k.DTYPES.join('/')} }`);
  });
  const defined = new Uint8Array(values.length);
  const define = (id: unknown, where: string) => {
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= values.length)
      fail(
        `${where} defines value ${JSON.stringify(id)}, which is not in 'values' (${values.length} entries)`,
      );
    if (defined[id as number]) fail(`${where} defines value ${id} a second time`);
    defined[id as number] = 1;
  };
  const read = (id: number, where: string) => {
    if (id >= values.length)
      fail(`${where} reads value ${id}, which is not in 'values' (${values.length} entries)`);
    if (!defined[id]) fail(`${where} reads value ${id} before it is defined`);
  };
  (o.inputs as unknown[]).forEach((id, i) => {
    define(id, `inputs[${i}]`);
  });
  const names = new Set<string>();
  (o.params as unknown[]).forEach((p, i) => {
    const pp = p as Record<string, unknown>;
    if (
      p === null ||
      typeof p !== 'object' ||
      typeof pp.name !== 'string' ||
      (pp.kind !== 'parameter' && pp.kind !== 'buffer')
    )
      fail(`params[${i}] must be { name, value, kind: 'parameter' | 'buffer' }`);
    if (names.has(pp.name as string)) fail(`tensor name '${pp.name}' is used twice`);
    names.add(pp.name as string);
    define(pp.value, `params[${i}] ('${pp.name}')`);
  });
  (o.constants as unknown[]).forEach((c, i) => {
    const cc = c as Record<string, unknown>;
    if (c === null || typeof c !== 'object' || typeof cc.name !== 'string')
      fail(`constants[${i}] must be { name, value }`);
    if (names.has(cc.name as string)) fail(`tensor name '${cc.name}' is used twice`);
    names.add(cc.name as string);
    define(cc.value, `constants[${i}] ('${cc.name}')`);
  });
  (o.nodes as unknown[]).forEach((n, i) => {
    const nn = n as Record<string, unknown>;
    if (n === null || typeof n !== 'object' || typeof nn.op !== 'string' || !Array.isArray(nn.args))
      fail(`nodes[${i}] must be { kind, op, args, out }`);
    const where = `nodes[${i}] ('${nn.op}')`;
    if (nn.kind === 'function') {
      if (!isFunctionOp(nn.op as string))
        fail(`${where}: '${nn.op}' is not a Kindling function that graphs may call`);
    } else if (nn.kind === 'method') {
      if (!isMethodOp(nn.op as string))
        fail(`${where}: '${nn.op}' is not a Tensor method that graphs may call`);
    } else fail(`${where}: kind must be 'function' or 'method' (got ${JSON.stringify(nn.kind)})`);
    checkEncoded(nn.args, where);
    forEachRef(nn.args as EncodedArg[], (id) => {
      read(id, where);
    });
    checkEncoded(nn.out, `${where} output`);
    forEachRef(nn.out as EncodedArg, (id) => {
      define(id, `${where} output`);
    });
  });
  checkEncoded(o.output, 'output');
  forEachRef(o.output as EncodedArg, (id) => {
    read(id, 'output');
  });
  return g as Graph;
}
