#!/usr/bin/env node
// The bench program: `npm run bench` (or `foveate bench`, which spawns it) with
// [--json] [--rounds R] [--only gemm,lstm,…] (src/cli/common/bench-options.ts lists them).
import { parseBenchOptions } from '../src/cli/common/bench-options.js';
import { formatReport, runBenchmarks } from './run.js';

export async function benchMain(argv: string[]): Promise<void> {
  const options = parseBenchOptions(argv);
  if (!options) return;
  const report = await runBenchmarks({ only: options.only, rounds: options.rounds, progress: (s) => console.error(`bench: ${s}…`) });
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
  for (const e of report.errors) console.error(`foveate bench: section ${e.section} failed: ${e.message}`);
  if (report.errors.length > 0) process.exitCode = 1;
}

if (require.main === module) {
  benchMain(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`foveate bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
