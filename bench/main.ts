#!/usr/bin/env node
// The bench program: `npm run bench` (or `foveate bench`, which spawns it) with
// [--json] [--only gemm,lstm,conv,attention,draw,bninception,captions].
import { parseCommand } from '../src/cli/common/args.js';
import { formatReport, runBenchmarks } from './run.js';

export async function benchMain(argv: string[]): Promise<void> {
  const values = parseCommand('bench', 'benchmarks against baselines measured in the same run (PyTorch CPU, numpy)', argv, {
    json: { type: 'boolean', default: false, help: 'print the report as JSON' },
    only: { type: 'string', help: 'a comma list of gemm, lstm, conv, attention, draw, bninception, captions (default all)' },
  });
  if (!values) return;
  const report = await runBenchmarks(values.only?.split(','));
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
}

if (require.main === module) {
  benchMain(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`foveate bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
