// The options of `foveate bench`, read by the CLI (so --help and bad options are
// answered before a process starts) and by the bench program itself.
import { parseCommand } from './args.js';

export interface BenchOptions {
  json: boolean;
  /** The benchmarks to run (undefined: all). */
  only: string[] | undefined;
}

/** The parsed options, or undefined when --help printed the usage. */
export function parseBenchOptions(argv: string[]): BenchOptions | undefined {
  const values = parseCommand('bench', 'benchmarks against baselines measured in the same run (PyTorch CPU, numpy)', argv, {
    json: { type: 'boolean', default: false, help: 'print the report as JSON' },
    only: { type: 'string', help: 'a comma list of gemm, lstm, conv, attention, softattend, draw, dram, bninception, efficientnet, captions, images (default all)' },
  });
  return values && { json: values.json === true, only: values.only?.split(',') };
}
