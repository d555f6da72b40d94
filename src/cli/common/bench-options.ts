// The options of `foveate bench`, read by the CLI (so --help and bad options are
// answered before a process starts) and by the bench program itself.
import { didYouMean, intOption, parseCommand } from './args.js';

/** The sections of the bench, in the order they run (the names --only takes). */
export const BENCH_SECTIONS = ['gemm', 'lstm', 'conv', 'softattend', 'draw', 'drawfloor', 'dram', 'bninception', 'efficientnet', 'captioner', 'attention', 'images', 'captions'] as const;

export interface BenchOptions {
  json: boolean;
  /** The benchmarks to run (undefined: all). */
  only: string[] | undefined;
  /** Alternated foveate/baseline rounds per row. */
  rounds: number;
}

/** The parsed options, or undefined when --help printed the usage. */
export function parseBenchOptions(argv: string[]): BenchOptions | undefined {
  const values = parseCommand('bench', 'benchmarks against baselines measured in the same run (PyTorch CPU, numpy), alternated round by round', argv, {
    json: { type: 'boolean', default: false, help: 'print the report as JSON (with every round\'s timings of both sides)' },
    only: { type: 'string', help: `a comma list of ${BENCH_SECTIONS.join(', ')} (default all)` },
    rounds: { type: 'string', default: '5', help: 'foveate and its baseline run alternately this many rounds per row; the tables give the median ratio and its range' },
  });
  if (!values) return undefined;
  const only = values.only?.split(',').map((s) => s.trim());
  for (const s of only ?? []) {
    if (!(BENCH_SECTIONS as readonly string[]).includes(s)) throw new Error(`bench: --only: unknown section '${s}'${didYouMean(s, BENCH_SECTIONS)}; expected some of: ${BENCH_SECTIONS.join(', ')}`);
  }
  return { json: values.json === true, only, rounds: intOption('bench', 'rounds', values.rounds, 1) };
}
