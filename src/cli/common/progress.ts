// A terminal progress bar with rate and ETA; plain lines when not a TTY (CI logs).
// The commands pass `terminalProgress` to the training loops.
import { type Progress, type ProgressFactory, type ProgressOptions } from '../../train/progress.js';

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const ss = String(Math.floor(s % 60)).padStart(2, '0');
  return h > 0 ? `${h}:${String(m % 60).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class ProgressBar implements Progress {
  readonly #opts: Required<ProgressOptions>;
  readonly #start = performance.now();
  #lastLine = 0;
  #done: number;

  constructor(options: ProgressOptions) {
    this.#opts = { unit: 'it', stream: process.stderr, initial: 0, ...options };
    this.#done = Math.min(Math.max(this.#opts.initial, 0), this.#opts.total);
  }

  /** Advances by `n` and redraws; `info` is appended (e.g. "loss 0.31"). */
  tick(n = 1, info = ''): void {
    this.#done = Math.min(this.#done + n, this.#opts.total);
    const now = performance.now();
    const finished = this.#done === this.#opts.total;
    const tty = this.#opts.stream.isTTY === true;
    if (!finished && now - this.#lastLine < (tty ? 100 : 5000)) return;
    this.#lastLine = now;
    const elapsed = (now - this.#start) / 1000;
    // Over the steps done in this process: a resumed run's earlier steps took no time here.
    const rate = (this.#done - Math.min(this.#opts.initial, this.#done)) / Math.max(elapsed, 1e-9);
    const eta = (this.#opts.total - this.#done) / rate;
    const frac = this.#done / Math.max(this.#opts.total, 1);
    const width = 24;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    const line = `${this.#opts.label} ${bar} ${this.#done}/${this.#opts.total} ${rate.toFixed(rate < 10 ? 2 : 1)} ${this.#opts.unit}/s ETA ${fmtTime(eta)} ${info}`.trimEnd();
    this.#opts.stream.write(tty ? `\r\x1b[K${line}${finished ? '\n' : ''}` : `${line}\n`);
  }
}

export const terminalProgress: ProgressFactory = (options) => new ProgressBar(options);
