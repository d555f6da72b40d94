// Module: PyTorch's names (forward, parameters, namedParameters, train/eval,
// stateDict). Parameters, buffers and submodules are registered by name, so
// checkpoints address them as "layer1.weight" exactly as PyTorch does.
import { fail, fmtShape } from '../errors.js';
import { keep } from '../memory.js';
import { type Tensor } from '../tensor.js';

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

  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.#parameters].map(([n, t]) => [prefix + n, t]);
    for (const [n, m] of this.#children) out.push(...m.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.#buffers].map(([n, t]) => [prefix + n, t]);
    for (const [n, m] of this.#children) out.push(...m.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  children(): [string, Module][] {
    return [...this.#children];
  }

  /** Sets training mode here and in every submodule. */
  train(mode = true): this {
    this.training = mode;
    for (const m of this.#children.values()) m.train(mode);
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
    const own = new Map([...this.namedParameters(), ...this.namedBuffers()]);
    if (options.strict ?? true) {
      const missing = [...own.keys()].filter((k) => !(k in state));
      const unexpected = Object.keys(state).filter((k) => !own.has(k));
      if (missing.length || unexpected.length) {
        fail('loadStateDict', `missing keys [${missing.join(', ')}], unexpected keys [${unexpected.join(', ')}]`);
      }
    }
    for (const [k, src] of Object.entries(state)) {
      const dst = own.get(k);
      if (dst && dst.shape.join() !== src.shape.join()) {
        fail('loadStateDict', `${k}: shape ${fmtShape(src.shape)} does not match the model's ${fmtShape(dst.shape)}`);
      }
    }
    for (const [k, src] of Object.entries(state)) own.get(k)?.assign(src);
    this.#notifyStateLoaded();
  }

  /** Called on every module after loadStateDict wrote new values (e.g. to drop caches of them). */
  protected onStateLoaded(): void {}

  #notifyStateLoaded(): void {
    this.onStateLoaded();
    for (const m of this.#children.values()) m.#notifyStateLoaded();
  }

  /** Frees every parameter and buffer. */
  dispose(): void {
    for (const [, t] of [...this.namedParameters(), ...this.namedBuffers()]) t.dispose();
  }

  abstract forward(...inputs: never[]): unknown;
}
