// How a training loop reports how far it is: the caller passes a factory (the
// CLI a terminal bar), so train/ never reaches up into cli/.

export interface ProgressOptions {
  /** Steps in the whole run. */
  total: number;
  /** Steps done before this process (a resumed run): counted in the bar, not in the rate. */
  initial?: number;
  label: string;
  unit?: string;
  /** Where to write (a terminal bar's choice; default stderr). */
  stream?: NodeJS.WriteStream;
}

export interface Progress {
  /** Advances by `n`; `info` is a short status (e.g. "loss 0.31"). */
  tick(n?: number, info?: string): void;
}

export type ProgressFactory = (options: ProgressOptions) => Progress;

/** The default when no factory is passed: library calls and tests stay quiet. */
export const silentProgress: ProgressFactory = () => ({ tick: () => {} });
