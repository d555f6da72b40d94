// Spatial relations that are true of a scene's boxes (and of its occlusion), the
// facts the caption grammar may state. Boxes are the objects' alpha-cropped
// pictures on the canvas; "left of" and "above" need the two boxes to be mostly
// apart along that axis and that axis to dominate the offset between centres, so a
// sentence never says "left of" of two things stacked one over the other.
import { type Box } from './raster.js';

/** Allowed overlap along the axis, as a fraction of the smaller extent. */
const OVERLAP = 0.25;
/** The axis must carry at least this share of the centres' offset on the other axis. */
const DOMINANCE = 0.75;
/** "in front of": the front object hides at least this fraction of the other's alpha mass. */
export const IN_FRONT = 0.08;

const cx = (b: Box): number => b.x + b.w / 2;
const cy = (b: Box): number => b.y + b.h / 2;

/** a is to the left of b. */
export function leftOf(a: Box, b: Box): boolean {
  const dx = cx(b) - cx(a);
  return dx > 0 && b.x - (a.x + a.w) >= -OVERLAP * Math.min(a.w, b.w) && dx >= DOMINANCE * Math.abs(cy(b) - cy(a));
}

/** a is above b. */
export function above(a: Box, b: Box): boolean {
  const dy = cy(b) - cy(a);
  return dy > 0 && b.y - (a.y + a.h) >= -OVERLAP * Math.min(a.h, b.h) && dy >= DOMINANCE * Math.abs(cx(b) - cx(a));
}

/** a and b side by side: one left of the other, overlapping vertically, not far apart. */
export function nextTo(a: Box, b: Box, size: number): boolean {
  if (!leftOf(a, b) && !leftOf(b, a)) return false;
  const overlap = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  const gap = Math.max(b.x - (a.x + a.w), a.x - (b.x + b.w));
  return overlap >= 0.3 * Math.min(a.h, b.h) && gap <= 0.25 * size;
}

/** a and b close: the gap between their boxes, across or down, at most 8% of the canvas. */
export function near(a: Box, b: Box, size: number): boolean {
  const gap = Math.max(b.x - (a.x + a.w), a.x - (b.x + b.w), b.y - (a.y + a.h), a.y - (b.y + b.h));
  return gap <= 0.08 * size;
}

export type Horizontal = 'left' | 'centre' | 'right';
export type Vertical = 'top' | 'middle' | 'bottom';

/** Which third of the canvas the box's centre is in, across and down. */
export function region(b: Box, size: number): [Horizontal, Vertical] {
  const h: Horizontal = cx(b) < size / 3 ? 'left' : cx(b) > (2 * size) / 3 ? 'right' : 'centre';
  const v: Vertical = cy(b) < size / 3 ? 'top' : cy(b) > (2 * size) / 3 ? 'bottom' : 'middle';
  return [h, v];
}

/** Phrases for where a region is in the picture ("in the top left corner", "on the left", …). */
export function regionPhrases([h, v]: [Horizontal, Vertical]): string[] {
  if (h !== 'centre' && v !== 'middle') return [`in the ${v} ${h} corner`, `at the ${v} ${h}`];
  if (h !== 'centre') return [`on the ${h}`, `on the ${h} side`];
  if (v !== 'middle') return [`at the ${v}`, `near the ${v}`];
  return ['in the middle', 'in the centre'];
}
