// Module: PyTorch's names (forward, parameters, namedParameters, train/eval,
// stateDict). Parameters, buffers and submodules are registered by name, so
// checkpoints address them as "layer1.weight" exactly as PyTorch does.
//
// As PyTorch's __setattr__ does, a submodule assigned as a property
// (`this.fc1 = new Linear(784, 128)`), an array of them, or a tensor wrapped in
// Parameter()/Buffer() counts as registered under the property's name. They are
// found when asked for (parameters(), train(), ...) by reading the module's own
// enumerable properties, rather than through a Proxy on construction: a Proxy
// breaks the class's #private fields (every `this.#x` on the proxy throws), costs
// on every property read in forward(), and misses fields set before the
// subclass constructor's body runs. Explicit register*() calls keep their names
// and order, and anything reachable through them is never counted twice, so the
// state-dict names of existing models (and their checkpoints) do not change.
import { fail, fmtShape } from '../errors.js';
import { checkOptions } from '../options.js';
import { keep } from '../memory.js';
import { Tensor } from '../tensor.js';

const parameterMarks = new WeakSet<Tensor>();
const bufferMarks = new WeakSet<Tensor>();

/**
 * Marks `t` as a trainable parameter (requiresGrad, kept past tidy scopes), so
 * that assigning it as a property of a Module registers it, as torch.nn.Parameter.
 * @example this.scale = fv.nn.Parameter(fv.ones([10]));
 */
export function Parameter(t: Tensor): Tensor {
  t.requiresGrad = true;
  parameterMarks.add(keep(t));
  return t;
}

/**
 * Marks `t` as a buffer (saved in the state dict, not trained), so that
 * assigning it as a property of a Module registers it.
 * @example this.runningMean = fv.nn.Buffer(fv.zeros([10]));
 */
export function Buffer(t: Tensor): Tensor {
  bufferMarks.add(keep(t));
  return t;
}

/** The Modules in a property value: the module itself, or those in an array of them. */
function modulesIn(name: string, v: unknown): [string, Module][] {
  if (v instanceof Module) return [[name, v]];
  if (Array.isArray(v) && v.length > 0 && v.every((m) => m instanceof Module)) return v.map((m, i) => [`${name}.${i}`, m as Module]);
  return [];
}

export abstract class Module {
  /** Training mode (dropout active, batch norm on batch statistics). */
  training = true;
  readonly #parameters = new Map<string, Tensor>();
  readonly #buffers = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();

  /** Registers a trainable tensor: it requires grad and outlives tidy scopes. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    this.#parameters.set(name, keep(t));
    return t;
  }

  /** Registers state saved with the model but not trained (running statistics). */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.#buffers.set(name, keep(t));
    return t;
  }

  /** A registered buffer of this module (not its children), by name. */
  protected buffer(name: string): Tensor {
    const t = this.#buffers.get(name);
    if (t === undefined) fail('Module', `no buffer named ${name}`);
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.#children.set(name, m);
    return m;
  }

  /** Replaces a registered buffer (e.g. running statistics recomputed). */
  protected replaceBuffer(name: string, t: Tensor): Tensor {
    const old = this.#buffers.get(name);
    if (old === undefined) fail('Module', `no buffer named ${name}`);
    if (old !== t) old.dispose();
    this.#buffers.set(name, keep(t));
    return t;
  }

  /** Every module registered by a register*() call anywhere below (and including) this one. */
  #registeredTree(into = new Set<Module>()): Set<Module> {
    into.add(this);
    for (const m of this.#children.values()) if (!into.has(m)) m.#registeredTree(into);
    return into;
  }

  /** Submodules: registered ones, then those assigned as properties and not registered anywhere in the tree. */
  #childList(registered: Set<Module>): [string, Module][] {
    const out: [string, Module][] = [...this.#children];
    for (const [k, v] of Object.entries(this)) {
      for (const [n, m] of modulesIn(k, v)) if (m !== this && !registered.has(m) && !out.some(([, c]) => c === m)) out.push([n, m]);
    }
    return out;
  }

  /** Own tensors of one kind: registered ones, then Parameter()/Buffer()-marked properties. */
  #ownTensors(kind: 'parameter' | 'buffer'): [string, Tensor][] {
    const map = kind === 'parameter' ? this.#parameters : this.#buffers;
    const marks = kind === 'parameter' ? parameterMarks : bufferMarks;
    const out: [string, Tensor][] = [...map];
    const seen = new Set(map.values());
    for (const [k, v] of Object.entries(this)) if (v instanceof Tensor && marks.has(v) && !seen.has(v)) out.push([k, v]);
    return out;
  }

  #walk(kind: 'parameter' | 'buffer', prefix: string, registered: Set<Module>, visited: Set<Module>): [string, Tensor][] {
    visited.add(this);
    const out: [string, Tensor][] = this.#ownTensors(kind).map(([n, t]) => [prefix + n, t]);
    for (const [n, m] of this.#childList(registered)) {
      if (!visited.has(m)) out.push(...m.#walk(kind, `${prefix}${n}.`, registered, visited));
    }
    return out;
  }

  /** This module and every one below it, each once, parents before children. */
  #modules(): Module[] {
    const registered = this.#registeredTree();
    const out: Module[] = [];
    const visit = (m: Module): void => {
      if (out.includes(m)) return;
      out.push(m);
      for (const [, c] of m.#childList(registered)) visit(c);
    };
    visit(this);
    return out;
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    return this.#walk('parameter', prefix, this.#registeredTree(), new Set());
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    return this.#walk('buffer', prefix, this.#registeredTree(), new Set());
  }

  /** Direct submodules, registered or assigned as properties. */
  children(): [string, Module][] {
    return this.#childList(this.#registeredTree());
  }

  /** Sets training mode here and in every submodule. */
  train(mode = true): this {
    for (const m of this.#modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Parameters and buffers by their dotted names (the tensors themselves, not copies). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Loads values into the registered tensors by name; shapes must match. With
   * `strict` (default) every name must be present on both sides. Nothing is
   * changed unless every check passes.
   */
  loadStateDict(state: Record<string, Tensor>, options: { strict?: boolean } = {}): void {
    const op = 'loadStateDict';
    checkOptions(op, options, ['strict']);
    const strict = options?.strict ?? true;
    if (typeof strict !== 'boolean') fail(op, `strict must be true or false, got ${JSON.stringify(strict)}`);
    if (state === null || typeof state !== 'object' || Array.isArray(state) || state instanceof Tensor) {
      fail(op, `state must be an object of name → Tensor (from stateDict() or fv.io.load), got ${state === null ? 'null' : Array.isArray(state) ? 'an array' : state instanceof Tensor ? 'a Tensor' : typeof state}`);
    }
    const own = new Map([...this.namedParameters(), ...this.namedBuffers()]);
    // Own keys only: a name like "constructor" must not be found on Object.prototype.
    if (strict) {
      const missing = [...own.keys()].filter((k) => !Object.hasOwn(state, k));
      const unexpected = Object.keys(state).filter((k) => !own.has(k));
      if (missing.length || unexpected.length) {
        fail(op, `missing keys [${missing.join(', ')}], unexpected keys [${unexpected.join(', ')}] (pass { strict: false } to load the names both sides have)`);
      }
    }
    for (const [k, src] of Object.entries(state)) {
      const dst = own.get(k);
      if (!dst) continue;
      if (!(src instanceof Tensor)) fail(op, `${k}: expected a Tensor, got ${src === null ? 'null' : typeof src}`);
      if (src.isDisposed) fail(op, `${k}: tensor ${fmtShape(src.shape)} was disposed`);
      if (dst.shape.join() !== src.shape.join()) fail(op, `${k}: shape ${fmtShape(src.shape)} does not match the model's ${fmtShape(dst.shape)}`);
      if (dst.dtype !== src.dtype) fail(op, `${k}: dtype ${src.dtype} does not match the model's ${dst.dtype} ${fmtShape(dst.shape)}`);
    }
    for (const [k, src] of Object.entries(state)) own.get(k)?.assign(src);
    this.#notifyStateLoaded();
  }

  /** Called on every module after loadStateDict wrote new values (e.g. to drop caches of them). */
  protected onStateLoaded(): void {}

  #notifyStateLoaded(): void {
    for (const m of this.#modules()) m.onStateLoaded();
  }

  /** Frees every parameter and buffer. */
  dispose(): void {
    for (const [, t] of [...this.namedParameters(), ...this.namedBuffers()]) t.dispose();
  }

  abstract forward(...inputs: never[]): unknown;
}
