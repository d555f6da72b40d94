// Deterministic release of native memory, in TF.js's style: every tensor made
// inside `tidy(fn)` is disposed when fn returns, except the tensors it returns
// or `keep()`s. Tensors made outside any scope live until `dispose()`; one
// dropped without it is freed after V8 collects it (a FinalizationRegistry,
// whose callbacks run when the event loop turns: a synchronous loop must
// dispose or use tidy). Only tensors outside every scope are registered there
// (`unscoped`): a tidy loop makes tens of thousands of tensors a step, and each
// registration is a cell in V8's old generation that only a full GC reclaims.
// (memory(), the live count, is in runtime.ts: it asks the binding.)

export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
  /**
   * Called once the tensor is outside every tidy scope and alive: made outside
   * any, returned from the outermost one, or kept. From then on only dispose()
   * or the garbage collector frees it.
   */
  unscoped?(): void;
}

const scopes: Set<Disposable>[] = [];

/** Called by every Tensor constructor. */
export function track(t: Disposable): void {
  const scope = scopes[scopes.length - 1];
  if (scope) scope.add(t);
  else t.unscoped?.();
}

/** Exempts a tensor from the enclosing tidy scopes. */
export function keep<T extends Disposable>(t: T): T {
  let held = false;
  for (const s of scopes) held = s.delete(t) || held;
  if (held) t.unscoped?.();
  return t;
}

/** Whether `fn` is an `async` function (or async generator function). */
export function isAsync(fn: Function): boolean {
  const name = Object.getPrototypeOf(fn)?.constructor?.name;
  return name === 'AsyncFunction' || name === 'AsyncGeneratorFunction';
}

function collect(value: unknown, out: Set<unknown>, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if ('dispose' in value && 'isDisposed' in value) {
    out.add(value);
    return;
  }
  const items = value instanceof Map ? value.values() : Array.isArray(value) ? value : Object.values(value);
  for (const v of items) collect(v, out, seen);
}

/**
 * Runs `fn` and disposes every tensor it created that is not part of its result.
 * @example const y = fv.tidy(() => fv.ops.relu(fv.ops.matmul(x, w))); // temporaries freed
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error('tidy: fn must be a function');
  // After an await the scope is gone: what the rest of fn makes would escape it.
  if (isAsync(fn)) throw new Error('tidy: fn must be synchronous, got an async function (await outside tidy, or tidy each synchronous step)');
  const scope = new Set<Disposable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    // A failed scope returns nothing, so nothing it made survives it.
    for (const t of scope) t.dispose();
    throw e;
  } finally {
    scopes.pop();
  }
  if (result instanceof Promise) {
    // Free what fn made before its first await, and keep its rejection from crashing the process.
    for (const t of scope) t.dispose();
    result.catch(() => undefined);
    throw new Error('tidy: fn must be synchronous, it returned a Promise');
  }
  const kept = new Set<unknown>();
  collect(result, kept);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (!kept.has(t)) t.dispose();
    else if (parent) parent.add(t);
    else t.unscoped?.();
  }
  return result;
}
