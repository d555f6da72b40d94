// A run folder: metrics.jsonl (one JSON object per logged step), checkpoints and
// pictures. Resuming truncates the metrics to the checkpoint's step, so a run
// stopped and restarted leaves one consistent history.
import { accessSync, appendFileSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTemps, writeFileAtomic } from '../io/atomic.js';

export type MetricRow = { step: number } & Record<string, number | string>;

/** The rows of a metrics.jsonl in order, read only (nothing is created or cleaned); a torn last line is ignored. */
export function readMetricsFile(path: string): MetricRow[] {
  if (!existsSync(path)) return [];
  const rows: MetricRow[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      rows.push(JSON.parse(line) as MetricRow);
    } catch {
      break;
    }
  }
  return rows;
}

export class RunFolder {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch (e) {
      throw new Error(`run folder ${dir} cannot be written: ${(e as Error).message}`);
    }
    // Temporary files of writes a kill -9 interrupted (their process is gone).
    removeStaleTemps(dir);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  get metricsPath(): string {
    return this.path('metrics.jsonl');
  }

  /** Logged rows in order; a torn last line (a crash mid-write) is ignored. */
  readMetrics(): MetricRow[] {
    return readMetricsFile(this.metricsPath);
  }

  /** Keeps only rows up to `step` (used when resuming from a checkpoint at `step`). */
  truncateMetrics(step: number): void {
    const kept = this.readMetrics().filter((r) => r.step <= step);
    writeFileAtomic(this.metricsPath, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  /** Starts a fresh history (a run that does not resume). */
  resetMetrics(): void {
    writeFileAtomic(this.metricsPath, '');
  }

  log(row: MetricRow): void {
    appendFileSync(this.metricsPath, JSON.stringify(row) + '\n');
  }
}
