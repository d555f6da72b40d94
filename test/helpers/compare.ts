// Comparison of a native result with its expected values, with the tolerance
// stated per family: |actual - fround(expected)| <= atol + rtol·|expected| + bound[i]
// (bound: a per-element error bound, e.g. γ_k·(|A|·|B|) for GEMM). NaN must meet
// NaN and ±Infinity must meet the same infinity; `exact` demands equal values.

export interface Tolerance {
  atol: number;
  rtol: number;
  exact?: boolean;
}

/** Float32 unit roundoff, 2^-24. */
export const U32 = 2 ** -24;

export const EXACT: Tolerance = { atol: 0, rtol: 0, exact: true };

export function mismatches(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  bound?: ArrayLike<number>,
): string[] {
  const bad: string[] = [];
  if (actual.length !== expected.length) return [`length ${actual.length}, expected ${expected.length}`];
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = Math.fround(expected[i]!);
    let ok: boolean;
    if (Number.isNaN(e) || Number.isNaN(a)) ok = Number.isNaN(e) && Number.isNaN(a);
    else if (!Number.isFinite(e) || !Number.isFinite(a) || tol.exact) ok = a === e;
    else ok = Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e) + (bound?.[i] ?? 0);
    if (!ok) bad.push(`[${i}] got ${a}, expected ${expected[i]}`);
  }
  return bad;
}

/** Throws with the first few mismatches (and their count) when any element is out of tolerance. */
export function expectClose(
  what: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  bound?: ArrayLike<number>,
): void {
  const bad = mismatches(actual, expected, tol, bound);
  if (bad.length > 0) {
    const t = tol.exact ? 'exact' : `atol ${tol.atol}, rtol ${tol.rtol}${bound ? ' + bound' : ''}`;
    throw new Error(`${what}: ${bad.length} of ${expected.length} elements out of tolerance (${t}):\n  ${bad.slice(0, 8).join('\n  ')}`);
  }
}

export function expectShape(what: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new Error(`${what}: shape [${actual.join(',')}], expected [${expected.join(',')}]`);
  }
}
