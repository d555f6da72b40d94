// How a Tensor prints (t.toString(), String(t), console.log, util.inspect): its
// values as PyTorch prints them, then shape, dtype and device. Over 1000
// elements, each axis longer than 6 shows its first and last 3 entries around
// "...", and only those entries are copied to the host (sliced on the tensor's
// device first), so printing a large CUDA tensor reads a few numbers, not all.
import { fmtShape } from '../errors.js';
import { noGrad, setFormatImpl, type Tensor } from '../tensor.js';
import { concat, slice } from './layout.js';

/** PyTorch's print options: summarise above `threshold` elements, `edge` items each side, lines of `width`. */
const THRESHOLD = 1000;
const EDGE = 3;
const WIDTH = 80;
const PREFIX = 'tensor(';

/** The values shown: the corners of a summarised tensor, and which axes were cut. */
function preview(x: Tensor): { values: ArrayLike<number>; shape: number[]; cut: boolean[] } {
  const cut = x.shape.map((n) => x.size > THRESHOLD && n > 2 * EDGE);
  const read = (t: Tensor): ArrayLike<number> => (t.dtype === 'int32' ? t.toInt32Array() : t.toFloat64Array());
  if (!cut.includes(true)) return { values: read(x), shape: [...x.shape], cut };
  return noGrad(() => {
    let t = x;
    cut.forEach((c, axis) => {
      if (!c) return;
      const n = t.shape[axis]!;
      const bounds = (from: number, to: number): [number[], number[]] => [t.shape.map((_, d) => (d === axis ? from : 0)), t.shape.map((s, d) => (d === axis ? to : s))];
      const head = slice(t, ...bounds(0, EDGE));
      const tail = slice(t, ...bounds(n - EDGE, n));
      const next = concat([head, tail], axis);
      for (const p of [head, tail]) p.dispose();
      if (t !== x) t.dispose();
      t = next;
    });
    try {
      return { values: read(t), shape: [...t.shape], cut };
    } finally {
      t.dispose();
    }
  });
}

/** Formats every value alike, as PyTorch picks: integers, 4 decimals, or scientific. */
function formatter(values: ArrayLike<number>, int: boolean): (v: number) => string {
  const special = (v: number): string | undefined => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : undefined);
  if (int) return (v) => String(v);
  const finite = Array.from(values).filter(Number.isFinite);
  const mags = finite.map(Math.abs).filter((v) => v > 0);
  const maxMag = mags.length ? Math.max(...mags) : 0;
  const minMag = mags.length ? Math.min(...mags) : 0;
  const sci = (v: number): string => v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  if (finite.every(Number.isInteger)) {
    return maxMag > 1e8 ? (v) => special(v) ?? sci(v) : (v) => special(v) ?? `${v}.`;
  }
  if (maxMag / minMag > 1000 || maxMag > 1e8 || minMag < 1e-4) return (v) => special(v) ?? sci(v);
  return (v) => special(v) ?? v.toFixed(4);
}

function formatValues(x: Tensor): string {
  if (x.size === 0) return '[]';
  const { values, shape, cut } = preview(x);
  const fmt = formatter(values, x.dtype === 'int32');
  const cells = Array.from(values, fmt);
  const w = Math.max(...cells.map((c) => c.length));
  const cell = (i: number): string => cells[i]!.padStart(w);
  const rank = shape.length;
  if (rank === 0) return cells[0]!;
  const block = (dim: number, offset: number, indent: number): string => {
    const n = shape[dim]!;
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const items: string[] = [];
    for (let i = 0; i < n; i++) {
      if (cut[dim] && i === EDGE) items.push(dim === rank - 1 ? ' ...' : '...'); // PyTorch's spacing
      items.push(dim === rank - 1 ? cell(offset + i) : block(dim + 1, offset + i * stride, indent + 1));
    }
    if (dim < rank - 1) return `[${items.join(',' + '\n'.repeat(rank - dim - 1) + ' '.repeat(indent + 1))}]`;
    const perLine = Math.max(1, Math.floor((WIDTH - indent - 1) / (w + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(',\n' + ' '.repeat(indent + 1))}]`;
  };
  return block(0, 0, PREFIX.length);
}

/**
 * `tensor([[0.1000, 0.2000], ...], shape=[2,2], dtype=float32, device=cpu)`;
 * `Tensor(disposed)` once freed.
 */
export function formatTensor(x: Tensor): string {
  if (x.isDisposed) return 'Tensor(disposed)';
  const extra = [`shape=${fmtShape(x.shape)}`, `dtype=${x.dtype}`, `device=${x.device}`];
  if (x.node) extra.push(`gradFn=${x.node.op}`);
  else if (x.requiresGrad) extra.push('requiresGrad=true');
  return `${PREFIX}${formatValues(x)}, ${extra.join(', ')})`;
}

setFormatImpl(formatTensor);
