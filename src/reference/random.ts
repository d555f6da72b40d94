// Philox4x32-10 (Salmon et al. 2011) in BigInt arithmetic, and the samplers on
// top of it: the definition cpu/rng.rs and random.cu must reproduce.

const M0 = 0xd2511f53n;
const M1 = 0xcd9e8d57n;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const MASK = 0xffffffffn;

function mulhilo(a: number, b: bigint): [number, number] {
  const p = BigInt(a) * b;
  return [Number(p >> 32n), Number(p & MASK)];
}

/** The four 32-bit words of block `counter` under `seed` (both < 2^53). */
export function philox(seed: number, counter: number): [number, number, number, number] {
  const c = BigInt(counter);
  const s = BigInt(seed);
  let [c0, c1, c2, c3] = [Number(c & MASK), Number(c >> 32n), 0, 0];
  let [k0, k1] = [Number(s & MASK), Number(s >> 32n)];
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const [hi0, lo0] = mulhilo(c0, M0);
    const [hi1, lo1] = mulhilo(c2, M1);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
  }
  return [c0, c1, c2, c3];
}

const unit = (w: number): number => (w >>> 8) / 16777216;

export type Distribution = { kind: 'uniform'; low: number; high: number } | { kind: 'normal'; mean: number; std: number } | { kind: 'bernoulli'; p: number };

/** Element i of a draw at stream position `offset` uses Philox block offset + i. */
export function sample(dist: Distribution, seed: number, offset: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = philox(seed, offset + i);
    if (dist.kind === 'uniform') out[i] = dist.low + (dist.high - dist.low) * unit(w[0]);
    else if (dist.kind === 'bernoulli') out[i] = unit(w[0]) < dist.p ? 1 : 0;
    else {
      const u1 = ((w[0] >>> 8) + 1) / 16777216;
      out[i] = dist.mean + dist.std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * unit(w[1]));
    }
  }
  return out;
}
