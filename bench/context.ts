// What every benchmark section gets: the alternation's round count and the Python
// worker its baselines run in.
import { type PythonWorker } from './python.js';

export interface BenchContext {
  /** Alternated rounds per row (--rounds). */
  rounds: number;
  worker: PythonWorker;
}
