/** Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict. */
import type * as k from '@kindling/core';
import { Module, Parameter } from '../module.js';
import { addIndent } from '../repr.js';

function normIndex(name: string, i: number, n: number): number {
  if (!Number.isInteger(i) || i < -n || i >= n)
    throw new RangeError(`index ${i} is out of range (${name} of length ${n})`);
  return i < 0 ? i + n : i;
}

/**
 * Base of the list containers: items live in own fields '0', '1', ... (so `seq[0]` works and
 * state-dict keys are `layers.0.weight`), in index order.
 */
abstract class IndexedContainer<T> extends Module {
  protected itemsArray(): T[] {
    const out: T[] = [];
    for (let i = 0; ; i++) {
      const key = String(i);
      if (!Object.hasOwn(this, key)) return out;
      out.push(this._getEntry(key) as T);
    }
  }
  protected setItems(items: readonly T[]): void {
    const old = this.itemsArray().length;
    for (let i = items.length; i < old; i++) delete (this as unknown as Record<string, unknown>)[String(i)];
    items.forEach((m, i) => this._setEntry(String(i), m));
  }
  /** Number of items. */
  get length(): number {
    return this.itemsArray().length;
  }
  [Symbol.iterator](): Iterator<T> {
    return this.itemsArray()[Symbol.iterator]();
  }
}

/** Modules applied in order: `forward(x)` feeds each module's output to the next. */
export class Sequential extends IndexedContainer<Module> {
  readonly [index: number]: Module;
  /** `new Sequential(a, b, c)` or `new Sequential({ conv: a, relu: b })` (named children). */
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && !(first instanceof Module) && typeof first === 'object') {
      for (const [name, m] of Object.entries(first as Record<string, Module>)) this.registerModule(name, m);
    } else (modules as Module[]).forEach((m, i) => this.registerModule(String(i), m));
  }
  // No de-duplication: a module listed twice runs twice, like PyTorch.
  private all(): Module[] {
    return this._entries()
      .map((e) => e[1])
      .filter((m): m is Module => m instanceof Module);
  }
  /** Number of modules. */
  override get length(): number {
    return this.all().length;
  }
  override [Symbol.iterator](): Iterator<Module> {
    return this.all()[Symbol.iterator]();
  }
  /** The i-th module (negative counts from the end). */
  get(i: number): Module {
    const all = this.all();
    return all[normIndex('Sequential', i, all.length)];
  }
  /** Adds `module` at the end. */
  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }
  override forward(input: k.Tensor): k.Tensor {
    let x: unknown = input;
    for (const m of this.all()) x = (m.call as (...a: unknown[]) => unknown)(x);
    return x as k.Tensor;
  }
}

/** A list of submodules, registered so their parameters are found; no forward of its own. */
export class ModuleList<M extends Module = Module> extends IndexedContainer<M> {
  readonly [index: number]: M;
  constructor(modules: Iterable<M> = []) {
    super();
    this.setItems([...modules]);
  }
  /** The i-th module (negative counts from the end). */
  get(i: number): M {
    const items = this.itemsArray();
    return items[normIndex('ModuleList', i, items.length)];
  }
  /** Replaces the i-th module (negative counts from the end). */
  set(i: number, module: M): void {
    const items = this.itemsArray();
    this.registerModule(String(normIndex('ModuleList', i, items.length)), module);
  }
  /** Adds `module` at the end. */
  append(module: M): this {
    this.registerModule(String(this.length), module);
    return this;
  }
  /** Appends each of `modules`. */
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }
  /** Inserts `module` before `index` (negative counts from the end; clamped to the list). */
  insert(index: number, module: M): void {
    const items = this.itemsArray();
    const i = Math.max(0, Math.min(index < 0 ? index + items.length : index, items.length));
    items.splice(i, 0, module);
    this.setItems(items);
  }
  /** Removes and returns the module at `index` (default: the last). */
  pop(index = -1): M {
    const items = this.itemsArray();
    const i = normIndex('ModuleList', index, items.length);
    const [m] = items.splice(i, 1);
    this.setItems(items);
    return m;
  }
  /** `fn` applied to each module, like `Array.prototype.map`. */
  map<R>(fn: (m: M, i: number) => R): R[] {
    return this.itemsArray().map(fn);
  }
  /** Consecutive identical children print once as `(0-2): 3 x Linear(...)`, like PyTorch. */
  protected override childLines(): string[] {
    const reprs = this.itemsArray().map((m) => m.toString());
    const lines: string[] = [];
    let start = 0;
    for (let i = 1; i <= reprs.length; i++) {
      if (i < reprs.length && reprs[i] === reprs[start]) continue;
      const head = i - 1 === start ? `(${start}): ` : `(${start}-${i - 1}): ${i - start} x `;
      lines.push(addIndent(head + reprs[start], 2));
      start = i;
    }
    return lines;
  }
}

/** Submodules by name, in insertion order (`md.get('conv')`; `layers.conv.weight` in state dicts). */
export class ModuleDict<M extends Module = Module> extends Module {
  // Entries are kept apart from the instance's fields so keys like 'call' cannot shadow methods.
  private readonly items = new Map<string, M>();
  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    this.update(modules);
  }
  protected override _entries(): [string, unknown][] {
    return [...this.items.entries()];
  }
  protected override _setEntry(name: string, value: unknown): void {
    if (value === null || value === undefined) this.items.delete(name);
    else this.items.set(name, value as M);
  }
  protected override _getEntry(name: string): unknown {
    return this.items.get(name);
  }
  /** The module under `key`; throws when there is none. */
  get(key: string): M {
    const m = this.items.get(key);
    if (!m) throw new Error(`ModuleDict has no key '${key}'`);
    return m;
  }
  /** Registers `module` under `key`. */
  set(key: string, module: M): void {
    this.registerModule(key, module);
  }
  /** Whether `key` is present. */
  has(key: string): boolean {
    return this.items.has(key);
  }
  /** Removes `key`; returns whether it was present. */
  delete(key: string): boolean {
    return this.items.delete(key);
  }
  /** Removes `key` and returns its module; throws when there is none. */
  pop(key: string): M {
    const m = this.get(key);
    this.items.delete(key);
    return m;
  }
  /** Removes every entry. */
  clear(): void {
    this.items.clear();
  }
  /** Adds or replaces the given entries. */
  update(modules: Record<string, M> | Iterable<[string, M]>): void {
    const entries =
      Symbol.iterator in (modules as object)
        ? [...(modules as Iterable<[string, M]>)]
        : Object.entries(modules as Record<string, M>);
    for (const [key, m] of entries) this.registerModule(key, m);
  }
  /** The keys, in insertion order. */
  keys(): string[] {
    return [...this.items.keys()];
  }
  /** The modules, in insertion order. */
  values(): M[] {
    return [...this.items.values()];
  }
  /** `[key, module]` pairs, in insertion order. */
  entries(): [string, M][] {
    return [...this.items.entries()];
  }
  /** Number of entries. */
  get length(): number {
    return this.items.size;
  }
  [Symbol.iterator](): Iterator<string> {
    return this.items.keys();
  }
}

/** A list of parameters (state-dict keys `0`, `1`, ...). */
export class ParameterList extends IndexedContainer<Parameter> {
  readonly [index: number]: Parameter;
  constructor(params: Iterable<Parameter | k.Tensor> = []) {
    super();
    for (const p of params) this.append(p);
  }
  /** The i-th parameter (negative counts from the end). */
  get(i: number): Parameter {
    const items = this.itemsArray();
    return items[normIndex('ParameterList', i, items.length)];
  }
  /** Replaces the i-th parameter (a plain tensor is wrapped in a Parameter). */
  set(i: number, param: Parameter | k.Tensor): void {
    const n = this.length;
    this.registerParameter(String(normIndex('ParameterList', i, n)), asParameter(param));
  }
  /** Plain tensors are wrapped in a Parameter, like PyTorch. */
  append(param: Parameter | k.Tensor): this {
    this.registerParameter(String(this.length), asParameter(param));
    return this;
  }
  /** Appends each of `params`. */
  extend(params: Iterable<Parameter | k.Tensor>): this {
    for (const p of params) this.append(p);
    return this;
  }
  override extraRepr(): string {
    return this.itemsArray()
      .map((p, i) => `(${i}): Parameter containing: [${p.dtype} of size ${p.shape.join('x')}]`)
      .join('\n');
  }
}

/** Parameters by name, in insertion order. */
export class ParameterDict extends Module {
  private readonly items = new Map<string, Parameter>();
  constructor(params: Record<string, Parameter | k.Tensor> = {}) {
    super();
    for (const [key, p] of Object.entries(params)) this.set(key, p);
  }
  protected override _entries(): [string, unknown][] {
    return [...this.items.entries()];
  }
  protected override _setEntry(name: string, value: unknown): void {
    if (value === null || value === undefined) this.items.delete(name);
    else this.items.set(name, value as Parameter);
  }
  protected override _getEntry(name: string): unknown {
    return this.items.get(name);
  }
  /** The parameter under `key`; throws when there is none. */
  get(key: string): Parameter {
    const p = this.items.get(key);
    if (!p) throw new Error(`ParameterDict has no key '${key}'`);
    return p;
  }
  /** Registers `param` under `key` (a plain tensor is wrapped in a Parameter). */
  set(key: string, param: Parameter | k.Tensor): void {
    this.registerParameter(key, asParameter(param));
  }
  /** Whether `key` is present. */
  has(key: string): boolean {
    return this.items.has(key);
  }
  /** The keys, in insertion order. */
  keys(): string[] {
    return [...this.items.keys()];
  }
  /** The parameters, in insertion order. */
  values(): Parameter[] {
    return [...this.items.values()];
  }
  /** `[key, parameter]` pairs, in insertion order. */
  entries(): [string, Parameter][] {
    return [...this.items.entries()];
  }
  /** Number of entries. */
  get length(): number {
    return this.items.size;
  }
  override extraRepr(): string {
    return this.entries()
      .map(([n, p]) => `(${n}): Parameter containing: [${p.dtype} of size ${p.shape.join('x')}]`)
      .join('\n');
  }
}

function asParameter(p: Parameter | k.Tensor): Parameter {
  return p instanceof Parameter ? p : new Parameter(p);
}
