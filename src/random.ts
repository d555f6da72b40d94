// The global Philox stream: (seed, offset). Each draw of n values consumes
// offsets [offset, offset + n), so the state is two integers — saved in
// checkpoints and restored to resume a run on exactly the same numbers.

export interface RngState {
  seed: number;
  offset: number;
}

const state: RngState = { seed: 0x5eed, offset: 0 };

/**
 * Seeds the generator: the same seed gives the same stream on CPU and GPU.
 * @example fv.seed(42); const a = fv.randn([3]); fv.seed(42); const b = fv.randn([3]); // a equals b
 */
export function seed(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`seed: seed must be a non-negative safe integer, got ${n}`);
  state.seed = n;
  state.offset = 0;
}

export function getRngState(): RngState {
  return { ...state };
}

export function setRngState(s: RngState): void {
  if (!Number.isSafeInteger(s.seed) || s.seed < 0 || !Number.isSafeInteger(s.offset) || s.offset < 0) {
    throw new Error(`setRngState: seed and offset must be non-negative safe integers, got ${JSON.stringify(s)}`);
  }
  state.seed = s.seed;
  state.offset = s.offset;
}

/** Reserves `n` stream positions and returns where they start. */
export function takeOffsets(n: number): { seed: number; offset: number } {
  const at = { seed: state.seed, offset: state.offset };
  state.offset += n;
  return at;
}
