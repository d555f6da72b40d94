// DRAW straight from the equations of PAPERS.md §1, one line per equation: the
// definition the optimised rollout of src/models/draw.ts is tested against.
import * as fv from '../../src/index.js';
import { type Tensor } from '../../src/index.js';

const { add, addScalar, bceWithLogits, concat, exp, matmul, mul, mulScalar, reshape, sigmoid, slice, square, sub, sum, lstmCell } = fv.ops;

export function literalDrawLoss(c: fv.models.DrawConfig, w: Record<string, Tensor>, x: Tensor, noise: (t: number) => Tensor): { loss: Tensor; lx: Tensor; kl: Tensor; mus: Tensor[]; logSigmas: Tensor[] } {
  const b = x.shape[0]!;
  const { channels: C, height: H, width: W } = c;
  const lin = (name: string, v: Tensor): Tensor => add(matmul(v, w[`${name}.weight`]!, { transB: true }), w[`${name}.bias`]!);
  const cell = (name: string, v: Tensor, s: { h: Tensor; c: Tensor }) => lstmCell(v, s.h, s.c, w[`${name}.weightIh`]!, w[`${name}.weightHh`]!, w[`${name}.biasIh`], w[`${name}.biasHh`]);
  const zeros = (n: number) => fv.tensor(new Float64Array(b * n), [b, n], { dtype: x.dtype === 'float64' ? 'float64' : 'float32' });
  let enc = { h: zeros(c.encoderSize), c: zeros(c.encoderSize) };
  let dec = { h: zeros(c.decoderSize), c: zeros(c.decoderSize) };
  let canvas = zeros(C * H * W); // c_0 = 0
  let kl: Tensor | undefined;
  const mus: Tensor[] = [];
  const logSigmas: Tensor[] = [];
  for (let t = 0; t < c.T; t++) {
    const xHat = sub(x, sigmoid(canvas)); // x̂_t = x − σ(c_{t−1})
    let r: Tensor; // r_t = read(x, x̂_t, h_dec_{t−1})
    if (c.attention) {
      const p = lin('readAttention', dec.h);
      const img = (v: Tensor) => reshape(v, C === 1 ? [b, H, W] : [b, C, H, W]);
      const n2 = C * c.readN * c.readN;
      r = concat([reshape(fv.attention.read(img(x), p, c.readN), [b, n2]), reshape(fv.attention.read(img(xHat), p, c.readN), [b, n2])], 1);
    } else r = concat([x, xHat], 1);
    enc = cell('encoder', concat([r, dec.h], 1), enc); // h_enc_t = LSTM_enc(h_enc_{t−1}, [r_t, h_dec_{t−1}])
    const latent = lin('latent', enc.h);
    const mu = slice(latent, [0, 0], [b, c.zSize]);
    const logSigma = slice(latent, [0, c.zSize], [b, 2 * c.zSize]);
    mus.push(mu);
    logSigmas.push(logSigma);
    const sigma = exp(logSigma);
    const z = add(mu, mul(sigma, noise(t))); // z_t = μ_t + σ_t ⊙ ε_t
    // ½ Σ_k (μ² + σ² − log σ² − 1), this step
    const klT = mulScalar(sum(addScalar(sub(add(square(mu), square(sigma)), mulScalar(logSigma, 2)), -1)), 0.5);
    kl = kl ? add(kl, klT) : klT;
    dec = cell('decoder', z, dec); // h_dec_t = LSTM_dec(h_dec_{t−1}, z_t)
    let update: Tensor; // c_t = c_{t−1} + write(h_dec_t)
    if (c.attention) {
      const N = c.writeN;
      const patch = reshape(lin('writePatch', dec.h), C === 1 ? [b, N, N] : [b, C, N, N]);
      update = reshape(fv.attention.write(patch, lin('writeAttention', dec.h), H, W), [b, C * H * W]);
    } else update = lin('writePatch', dec.h);
    canvas = add(canvas, update);
  }
  const lx = bceWithLogits(canvas, x, { reduction: 'sum' });
  return { loss: mulScalar(add(lx, kl!), 1 / b), lx, kl: kl!, mus, logSigmas };
}
