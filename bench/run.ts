// Every benchmark, reported as ratios against a baseline measured in the same run
// (bench/main.ts is the program that runs them).
import * as fv from '../src/index.js';
import { benchGemm, type GemmRow } from './gemm.js';

export interface BenchReport {
  machine: { threads: number; devices: string[]; cpu: { model?: string | null; path: string; available: string[]; features: string[]; caches: number[] } };
  gemm?: { rows: GemmRow[]; numpyNote?: string };
  captions?: { name: string; ms: number }[];
  lstm?: import('./lstm.js').LstmRow[];
  conv?: import('./conv.js').ConvRow[];
  attention?: { name: string; ms: number }[];
  softattend?: import('./soft-attend.js').SoftAttendRow[];
  draw?: import('./draw.js').DrawRow[];
  dram?: import('./dram.js').DramRow[];
  bninception?: import('./bn-inception.js').BnInceptionRow[];
  efficientnet?: import('./efficientnet.js').EfficientNetRow[];
  images?: import('./images.js').ImagesRow[];
}

function fmtShape(r: GemmRow): string {
  return `${r.m}×${r.k}${r.ta ? 'ᵀ' : ''} · ${r.k}×${r.n}${r.tb ? 'ᵀ' : ''}`;
}

export function formatReport(report: BenchReport): string {
  const { cpu } = report.machine;
  const kib = (b: number): string => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MiB` : `${Math.round(b / 1024)} KiB`);
  const lines: string[] = [
    `machine: ${report.machine.threads} CPU threads; devices: ${report.machine.devices.join(', ')}`,
    `CPU: ${cpu.model ?? 'unknown model'}; features: ${cpu.features.join(' ') || 'none'}; caches L1/L2/L3: ${cpu.caches.map(kib).join(' / ')}`,
    `CPU path: ${cpu.path} (available: ${cpu.available.join(', ')}; set FOVEATE_CPU to choose)`,
  ];
  if (report.gemm) {
    lines.push('', `SGEMM (CPU path ${cpu.path}, GFLOP/s, best of repeats)`, '| shape | foveate | numpy | ratio |', '| --- | ---: | ---: | ---: |');
    for (const r of report.gemm.rows) {
      lines.push(`| ${fmtShape(r)} | ${r.foveate.toFixed(1)} | ${r.numpy?.toFixed(1) ?? 'n/a'} | ${r.ratio?.toFixed(2) ?? 'n/a'} |`);
    }
    if (report.gemm.numpyNote) lines.push(`numpy baseline unavailable: ${report.gemm.numpyNote}`);
  }
  if (report.captions) {
    lines.push('', 'Caption metrics (5,000 candidates × 5 references, ms)', '| metric | ms |', '| --- | ---: |');
    for (const c of report.captions) lines.push(`| ${c.name} | ${c.ms.toFixed(1)} |`);
  }
  if (report.lstm) {
    lines.push('', 'LSTM cell vs PyTorch CPU (ms, best of repeats; ratio = torch / foveate)', '| step | foveate | torch | ratio |', '| --- | ---: | ---: | ---: |');
    for (const r of report.lstm) lines.push(`| ${r.name} | ${r.foveateMs.toFixed(2)} | ${r.torchMs?.toFixed(2) ?? 'n/a'} | ${r.ratio?.toFixed(2) ?? 'n/a'} |`);
    const note = report.lstm.find((r) => r.note)?.note;
    if (note) lines.push(`PyTorch baseline unavailable: ${note}`);
  }
  if (report.conv) {
    lines.push('', 'conv2d forward+backward vs PyTorch CPU (ms, best of rounds; ratio = torch / foveate)', '| layer | foveate | torch | ratio |', '| --- | ---: | ---: | ---: |');
    for (const r of report.conv) lines.push(`| ${r.name} | ${r.foveateMs.toFixed(1)} | ${r.torchMs?.toFixed(1) ?? 'n/a'} | ${r.ratio?.toFixed(2) ?? 'n/a'} |`);
  }
  if (report.attention) {
    lines.push('', 'DRAW attention, batch 64 MNIST, forward+backward (ms)', '| op | ms |', '| --- | ---: |');
    for (const a of report.attention) lines.push(`| ${a.name} | ${a.ms.toFixed(2)} |`);
  }
  if (report.softattend) {
    lines.push('', 'Soft attention (Show, Attend and Tell), one word, forward+backward, CPU: fused kernel vs composite of ops (ms, median of alternated rounds; ratio = composite / fused)', '| shape | fused | composite | ratio |', '| --- | ---: | ---: | ---: |');
    for (const r of report.softattend) lines.push(`| ${r.name} | ${r.fusedMs.toFixed(2)} | ${r.compositeMs.toFixed(2)} | ${r.ratio.toFixed(2)} |`);
  }
  if (report.draw) {
    lines.push('', 'DRAW training step vs PyTorch CPU (ms, best of runs; ratio = torch / foveate)', '| case | foveate | torch | ratio |', '| --- | ---: | ---: | ---: |');
    for (const r of report.draw) lines.push(`| ${r.name} | ${r.foveateMs.toFixed(1)} | ${r.torchMs?.toFixed(1) ?? 'n/a'} | ${r.ratio?.toFixed(2) ?? 'n/a'} |`);
    const note = report.draw.find((r) => r.note)?.note;
    if (note) lines.push(`PyTorch baseline unavailable: ${note}`);
  }
  if (report.dram) {
    lines.push('', 'DRAM training step vs PyTorch CPU (ms, best of runs; ratio = torch / foveate)', '| case | foveate | torch | ratio |', '| --- | ---: | ---: | ---: |');
    for (const r of report.dram) lines.push(`| ${r.name} | ${r.foveateMs.toFixed(1)} | ${r.torchMs?.toFixed(1) ?? 'n/a'} | ${r.ratio?.toFixed(2) ?? 'n/a'} |`);
    const note = report.dram.find((r) => r.note)?.note;
    if (note) lines.push(`PyTorch baseline unavailable: ${note}`);
  }
  if (report.bninception) {
    lines.push('', 'BN-Inception training step (forward + backward) vs PyTorch CPU (images/s; ratio = torch ms / foveate ms)', '| case | foveate | torch | ratio |', '| --- | ---: | ---: | ---: |');
    for (const r of report.bninception) lines.push(`| ${r.name} | ${r.foveateImagesPerS.toFixed(1)} | ${r.torchImagesPerS?.toFixed(1) ?? 'n/a'} | ${r.ratio?.toFixed(2) ?? 'n/a'} |`);
    const note = report.bninception.find((r) => r.note)?.note;
    if (note) lines.push(`PyTorch baseline unavailable: ${note}`);
  }
  if (report.efficientnet) {
    lines.push('', 'EfficientNet-Lite0 inference (forward) vs PyTorch CPU (images/s; ratio = torch ms / foveate ms)', '| case | foveate | torch | ratio |', '| --- | ---: | ---: | ---: |');
    for (const r of report.efficientnet) lines.push(`| ${r.name} | ${r.foveateImagesPerS.toFixed(1)} | ${r.torchImagesPerS?.toFixed(1) ?? 'n/a'} | ${r.ratio?.toFixed(2) ?? 'n/a'} |`);
    const note = report.efficientnet.find((r) => r.note)?.note;
    if (note) lines.push(`PyTorch baseline unavailable: ${note}`);
  }
  if (report.images) {
    lines.push('', 'Image decode + resize to float32 [3,224,224] (fv.data.loadImage, sharp/libvips)', '| case | ms/image | images/s |', '| --- | ---: | ---: |');
    for (const r of report.images) lines.push(r.note ? `| ${r.name} | n/a | ${r.note} |` : `| ${r.name} | ${r.msPerImage!.toFixed(1)} | ${r.imagesPerS!.toFixed(1)} |`);
  }
  return lines.join('\n');
}

export async function runBenchmarks(only?: string[]): Promise<BenchReport> {
  const want = (name: string): boolean => !only || only.includes(name);
  const report: BenchReport = {
    machine: { threads: fv.native.cpuThreads(), devices: fv.devices().map((d) => d.name), cpu: fv.native.cpuInfo() },
  };
  if (want('gemm')) report.gemm = benchGemm();
  if (want('lstm')) {
    const { benchLstm } = await import('./lstm.js');
    report.lstm = benchLstm();
  }
  if (want('conv')) {
    const { benchConv } = await import('./conv.js');
    report.conv = benchConv();
  }
  if (want('attention')) {
    const { benchAttention } = await import('./attention.js');
    report.attention = benchAttention();
  }
  if (want('softattend')) {
    const { benchSoftAttend } = await import('./soft-attend.js');
    report.softattend = benchSoftAttend();
  }
  if (want('draw')) {
    const { benchDraw } = await import('./draw.js');
    report.draw = benchDraw();
  }
  if (want('dram')) {
    const { benchDram } = await import('./dram.js');
    report.dram = benchDram();
  }
  if (want('bninception')) {
    const { benchBnInception } = await import('./bn-inception.js');
    report.bninception = benchBnInception();
  }
  if (want('efficientnet')) {
    const { benchEfficientNet } = await import('./efficientnet.js');
    report.efficientnet = benchEfficientNet();
  }
  if (want('images')) {
    const { benchImages } = await import('./images.js');
    report.images = await benchImages();
  }
  if (want('captions')) {
    const { benchCaptions } = await import('./captions.js');
    report.captions = benchCaptions();
  }
  return report;
}
