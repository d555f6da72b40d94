// Reading training curves back: what the Batch Normalization commands compare.
import { type MetricRow } from '../../train/run-folder.js';

/** The first logged step whose test accuracy reaches `target`, or null. */
export function stepsToReach(rows: readonly MetricRow[], target: number): number | null {
  const hit = rows.find((r) => typeof r.testAccuracy === 'number' && r.testAccuracy >= target);
  return hit ? hit.step : null;
}
