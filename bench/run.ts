// Every benchmark: foveate against a baseline measured in the same run, the two
// alternated round by round (bench/alternate.ts); bench/main.ts is the program.
import * as fv from '../src/index.js';
import { type ComparedSection, formatSection } from './compare.js';
import { type BenchContext } from './context.js';
import { PythonWorker } from './python.js';

export interface BenchReport {
  machine: { threads: number; devices: string[]; cpu: { model?: string | null; path: string; available: string[]; features: string[]; caches: number[] } };
  /** Alternated rounds per row. */
  rounds: number;
  /** The foveate-vs-baseline tables, in the order they ran; each row keeps its rounds' raw timings. */
  sections: ComparedSection[];
  captions?: { name: string; ms: number }[];
  attention?: { name: string; ms: number }[];
  images?: import('./images.js').ImagesRow[];
  /** Sections that failed (the others still ran; the program then exits with 1). */
  errors: { section: string; message: string }[];
}

export function formatReport(report: BenchReport): string {
  const { cpu } = report.machine;
  const kib = (b: number): string => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MiB` : `${Math.round(b / 1024)} KiB`);
  const lines: string[] = [
    `machine: ${report.machine.threads} CPU threads; devices: ${report.machine.devices.join(', ')}`,
    `CPU: ${cpu.model ?? 'unknown model'}; features: ${cpu.features.join(' ') || 'none'}; caches L1/L2/L3: ${cpu.caches.map(kib).join(' / ')}`,
    `CPU path: ${cpu.path} (available: ${cpu.available.join(', ')}; set FOVEATE_CPU to choose)`,
  ];
  for (const s of report.sections) lines.push('', ...formatSection(s, cpu.path, report.rounds));
  if (report.attention) {
    lines.push('', `DRAW attention, batch 64 MNIST, forward+backward (ms, best of repeats; CPU path ${cpu.path})`, '| op | ms |', '| --- | ---: |');
    for (const a of report.attention) lines.push(`| ${a.name} | ${a.ms.toFixed(2)} |`);
  }
  if (report.images) {
    lines.push('', 'Image decode + resize to float32 [3,224,224] (fv.data.loadImage, sharp/libvips)', '| case | ms/image | images/s |', '| --- | ---: | ---: |');
    for (const r of report.images) lines.push(r.note ? `| ${r.name} | n/a | ${r.note} |` : `| ${r.name} | ${r.msPerImage!.toFixed(1)} | ${r.imagesPerS!.toFixed(1)} |`);
  }
  if (report.captions) {
    lines.push('', 'Caption metrics (5,000 candidates × 5 references, ms)', '| metric | ms |', '| --- | ---: |');
    for (const c of report.captions) lines.push(`| ${c.name} | ${c.ms.toFixed(1)} |`);
  }
  for (const e of report.errors) lines.push('', `section ${e.section} FAILED: ${e.message}`);
  return lines.join('\n');
}

type SectionBench = (ctx: BenchContext) => Promise<ComparedSection>;

/** The compared sections by --only name, in the order they run. */
const SECTIONS: [string, () => Promise<SectionBench>][] = [
  ['gemm', async () => (await import('./gemm.js')).benchGemm],
  ['lstm', async () => (await import('./lstm.js')).benchLstm],
  ['conv', async () => (await import('./conv.js')).benchConv],
  ['softattend', async () => (await import('./soft-attend.js')).benchSoftAttend],
  ['draw', async () => (await import('./draw.js')).benchDraw],
  ['drawfloor', async () => (await import('./draw.js')).benchDrawFloor],
  ['dram', async () => (await import('./dram.js')).benchDram],
  ['bninception', async () => (await import('./bn-inception.js')).benchBnInception],
  ['efficientnet', async () => (await import('./efficientnet.js')).benchEfficientNet],
  ['captioner', async () => (await import('./captioner.js')).benchCaptioner],
];

/** `progress` hears each section's name as it starts (the program prints it on stderr). */
export async function runBenchmarks(options: { only?: string[]; rounds?: number; progress?: (section: string) => void } = {}): Promise<BenchReport> {
  const { only, rounds = 5, progress } = options;
  const want = (name: string): boolean => !only || only.includes(name);
  const report: BenchReport = {
    machine: { threads: fv.native.cpuThreads(), devices: fv.devices().map((d) => d.name), cpu: fv.native.cpuInfo() },
    rounds,
    sections: [],
    errors: [],
  };
  // A failing section is reported and the rest still run (a full bench takes many minutes).
  const guard = async (section: string, f: () => Promise<void>): Promise<void> => {
    progress?.(section);
    try {
      await f();
    } catch (e) {
      report.errors.push({ section, message: e instanceof Error ? e.message : String(e) });
    }
  };
  let worker: PythonWorker | undefined; // started with the first section that wants it
  try {
    for (const [name, load] of SECTIONS) {
      if (!want(name)) continue;
      const w = (worker ??= new PythonWorker());
      await guard(name, async () => void report.sections.push(await (await load())({ rounds, worker: w })));
    }
  } finally {
    worker?.close();
  }
  if (want('attention')) await guard('attention', async () => void (report.attention = (await import('./attention.js')).benchAttention()));
  if (want('images')) await guard('images', async () => void (report.images = await (await import('./images.js')).benchImages()));
  if (want('captions')) await guard('captions', async () => void (report.captions = (await import('./captions.js')).benchCaptions()));
  return report;
}
