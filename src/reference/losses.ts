// Losses from logits in float64, from their definitions: BCE-with-logits as
// −[t log σ(x) + (1 − t) log(1 − σ(x))] in its stable form, cross-entropy as
// log Σ e^x − x_t with the softmax it saves.
import { type RefArray } from './array.js';

/** max(x,0) − x·t + log(1 + e^{−|x|}) per element (= −t log σ(x) − (1−t) log(1−σ(x))). */
export function bceWithLogits(x: RefArray, t: RefArray): RefArray {
  return { shape: [...x.shape], data: x.data.map((v, i) => Math.max(v, 0) - v * t.data[i]! + Math.log1p(Math.exp(-Math.abs(v)))) };
}

export interface CrossEntropyForward {
  /** [N]: per-row loss (0 on ignored rows). */
  loss: RefArray;
  /** [N,K]: softmax of the logits. */
  softmax: RefArray;
}

/** logits [N,K], targets [N] (class indices; `ignore` rows give 0). */
export function crossEntropy(x: RefArray, targets: RefArray, ignore?: number): CrossEntropyForward {
  const [n, k] = [x.shape[0]!, x.shape[1]!];
  const loss = new Float64Array(n);
  const softmax = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    const row = x.data.subarray(r * k, (r + 1) * k);
    const max = row.reduce((m, v) => Math.max(m, v), -Infinity);
    const shift = Number.isFinite(max) ? max : 0;
    const sum = row.reduce((s, v) => s + Math.exp(v - shift), 0);
    row.forEach((v, j) => (softmax[r * k + j] = Math.exp(v - shift) / sum));
    const t = targets.data[r]!;
    loss[r] = t === ignore ? 0 : shift + Math.log(sum) - row[t]!;
  }
  return { loss: { shape: [n], data: loss }, softmax: { shape: [n, k], data: softmax } };
}

/** d logits = g_r (softmax − onehot(t_r)); 0 on ignored rows. */
export function crossEntropyBackward(softmax: RefArray, targets: RefArray, g: RefArray, ignore?: number): RefArray {
  const [n, k] = [softmax.shape[0]!, softmax.shape[1]!];
  const dx = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    const t = targets.data[r]!;
    if (t === ignore) continue;
    for (let j = 0; j < k; j++) dx[r * k + j] = g.data[r]! * (softmax.data[r * k + j]! - (j === t ? 1 : 0));
  }
  return { shape: [n, k], data: dx };
}
