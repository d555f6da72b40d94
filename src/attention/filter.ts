// DRAW's read and write with given filters (PAPERS.md §1) as one fused op each
// way: read = γ·FY x FXᵀ, write = (1/γ)·FYᵀ w FX, per channel with the same
// filters. One native call forward and one backward (to m, FX, FY and γ at once),
// where the composite (readComposite, writeComposite) makes ~20 calls a glimpse. The
// composite stays as its reference, tested one against the other.
import { kernels } from '../backend/index.js';
import type { FilterMode } from '../backend/kernels.js';
import { type Tensor, record } from '../tensor.js';
import { type Filterbank } from './filterbank.js';

/**
 * read: m [batch,(C,)H,W] → [batch,(C,)N,N]; write: m [batch,(C,)N,N] → [batch,(C,)H,W].
 * The callers (read, write) validate the operands; the kernel checks them again.
 */
export function applyFilters(mode: FilterMode, m: Tensor, f: Filterbank): Tensor {
  const op = `attention.${mode}`;
  const { Fx, Fy, gamma } = f;
  const k = kernels(op, m, Fx, Fy, gamma);
  const out = k.attentionFilter(mode, m, Fx, Fy, gamma);
  const inputs = [m, Fx, Fy, gamma];
  return record(op, out, inputs, (g) => k.attentionFilterBackward(mode, m, Fx, Fy, gamma, g, inputs.map((t) => t.requiresGrad)));
}
