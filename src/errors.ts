// Argument checks shared by the ops: messages follow `op: argument problem,
// expected X, got Y`, naming the argument and quoting shapes as [2,3].

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export function fail(op: string, message: string): never {
  throw new Error(`${op}: ${message}`);
}

/** Checks a shape is a list of non-negative integers. */
export function checkShape(op: string, arg: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) fail(op, `${arg} must be an array of sizes, got ${typeof shape}`);
  shape.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0) fail(op, `${arg}[${i}] = ${d} is not a non-negative integer`);
  });
  return [...shape];
}

/**
 * Resolves a possibly negative axis against a tensor's shape (or bare rank);
 * errors quote the shape, e.g. `sum: axis 2 out of range for shape [2,3] (rank 2)`.
 */
export function normAxis(op: string, axis: number, shape: readonly number[] | number): number {
  const rank = typeof shape === 'number' ? shape : shape.length;
  const of = typeof shape === 'number' ? `a tensor of rank ${rank}` : `shape ${fmtShape(shape)} (rank ${rank})`;
  if (!Number.isInteger(axis)) fail(op, `axis ${axis} is not an integer, for ${of}`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(op, `axis ${axis} out of range for ${of}`);
  return a;
}

/** Whether two shapes are equal (without building strings: this runs per op). */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Runs `fn` as part of the op the user called: an Error raised by an op used
 * inside (`rand:` under `new nn.Linear`, `matmul:` under `attention.write`) is
 * raised again under `op`, so the message names what the user called. `what`
 * says which part failed ("weight"). The original error is kept as `cause`.
 */
export function asOp<T>(op: string, fn: () => T, what?: string): T {
  try {
    return fn();
  } catch (e) {
    throw renamed(op, e, what);
  }
}

function renamed(op: string, e: unknown, what: string | undefined): unknown {
  if (!(e instanceof Error)) return e;
  const m = e.message;
  if (what === undefined && (m.startsWith(`${op}:`) || m.startsWith(`${op}.`) || m.startsWith(`${op}(`))) return e;
  // Drop the inner op's name ("rand: "), keep what it said.
  const inner = /^[A-Za-z][\w.]*: /.exec(m) ? m.slice(m.indexOf(': ') + 2) : m;
  const ownPrefix = new RegExp(`^${op.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `);
  const body = ownPrefix.test(m) ? m.replace(ownPrefix, '') : inner;
  return new Error(`${op}: ${what === undefined ? '' : `${what}: `}${body}`, { cause: e });
}

/** An allocation refusal from the binding: "op: output shape [..] needs N bytes, …" or "… cannot allocate …". */
const ALLOCATION = /^[\w.]+: (?:output shape (\[[\d,]*\]) (.*)|(cannot allocate \d+ bytes.*))$/s;

/**
 * Runs `make`, which allocates through an inner op (a layer's initialiser calls
 * rand), and relabels an allocation refusal as `op`'s, naming `what` it was
 * making: `Linear: weight [1000000,1000000] needs 4000000000000 bytes, over the
 * allocation ceiling …` rather than `rand: …`. Other errors pass unchanged.
 */
export function allocating<T>(op: string, what: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    const m = e instanceof Error ? ALLOCATION.exec(e.message) : null;
    if (!m) throw e;
    throw new Error(m[1] !== undefined ? `${op}: ${what} ${m[1]} ${m[2]}` : `${op}: ${what}: ${m[3]}`);
  }
}
