#!/usr/bin/env node
// The bench program: `npm run bench` (or `foveate bench`, which spawns it) with
// [--json] [--only gemm,lstm,conv,attention,softattend,draw,dram,bninception,efficientnet,captions,images].
import { parseBenchOptions } from '../src/cli/common/bench-options.js';
import { formatReport, runBenchmarks } from './run.js';

export async function benchMain(argv: string[]): Promise<void> {
  const options = parseBenchOptions(argv);
  if (!options) return;
  const report = await runBenchmarks(options.only);
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
}

if (require.main === module) {
  benchMain(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`foveate bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
