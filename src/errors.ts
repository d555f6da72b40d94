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

/** Resolves a possibly negative axis against `rank`. */
export function normAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis)) fail(op, `axis ${axis} is not an integer`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(op, `axis ${axis} out of range for a tensor of rank ${rank}`);
  return a;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
