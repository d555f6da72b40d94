#!/usr/bin/env node
// Soak test of native memory in long training runs (issue 17): runs the built CLI
// (dist/) in child processes — DRAW for 2,000 steps and the MNIST MLP for 20,000 —
// and samples each child's resident set (/proc/PID/status VmRSS) against the step
// it has reached (from its metrics.jsonl, logged every 50 steps). It reports RSS
// after warm-up (the first --warmup fraction of the steps, which holds the first
// evaluation and checkpoint, so the allocator has seen every buffer size the run
// uses), the peak after it, and when the loop has logged its last step (before
// the command draws its pictures); growth from warm-up to that end over 5% fails
// (exit 1).
//
// Not part of `npm test` (minutes, and an RSS threshold on a shared machine is no
// unit test). Usage, after `npm run build`:
//   npm run soak                                 both runs, full length
//   npm run soak -- --only draw --draw-steps 500 shorter: one run, fewer steps
//   options: --only draw|mlp, --draw-steps N (2000), --draw-batch N (8),
//            --mlp-steps N (20000), --mlp-batch N (64), --warmup F (0.2),
//            --max-growth F (0.05), --device cpu|cuda, --keep (keep the run folders)
// Linux only (reads /proc).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');

const { values: opt } = parseArgs({
  options: {
    only: { type: 'string' },
    'draw-steps': { type: 'string', default: '2000' },
    'draw-batch': { type: 'string', default: '8' },
    'mlp-steps': { type: 'string', default: '20000' },
    'mlp-batch': { type: 'string', default: '64' },
    warmup: { type: 'string', default: '0.2' },
    'max-growth': { type: 'string', default: '0.05' },
    device: { type: 'string', default: 'cpu' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});

function num(name, min) {
  const v = Number(opt[name]);
  if (!Number.isFinite(v) || v < min) throw new Error(`soak: --${name} must be a number ≥ ${min}, got ${opt[name]}`);
  return v;
}
const warmup = num('warmup', 0);
const maxGrowth = num('max-growth', 0);
if (opt.only !== undefined && opt.only !== 'draw' && opt.only !== 'mlp') throw new Error(`soak: --only must be draw or mlp, got ${opt.only}`);
if (!existsSync(cli)) throw new Error(`soak: ${cli} is missing; run \`npm run build\` first`);
if (!existsSync('/proc/self/status')) throw new Error('soak: needs Linux (/proc/PID/status)');

/** Resident set of `pid` in bytes, or undefined once it has exited. */
function rss(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The last step logged in a run folder's metrics.jsonl (0 before the first row). */
function lastStep(dir) {
  try {
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trimEnd().split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        return JSON.parse(lines[i]).step ?? 0;
      } catch {
        // a row being written
      }
    }
  } catch {
    // not written yet
  }
  return 0;
}

const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** Runs one CLI command to completion, sampling RSS every 250 ms. */
function soak(name, args, steps) {
  const dir = mkdtempSync(join(tmpdir(), `foveate-soak-${name}-`));
  const argv = [cli, ...args, '--steps', String(steps), '--out', dir, '--device', opt.device];
  console.log(`${name}: node ${argv.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}`);
  const t0 = performance.now();
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keepTail = (d) => {
    output = (output + d).slice(-4000);
  };
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  const samples = []; // { step, rss, s }
  let lastPrinted = -1;
  const timer = setInterval(() => {
    const r = rss(child.pid);
    if (r === undefined) return;
    const step = lastStep(dir);
    samples.push({ step, rss: r, s: (performance.now() - t0) / 1000 });
    const tenth = Math.floor((10 * step) / steps);
    if (tenth > lastPrinted) {
      lastPrinted = tenth;
      console.log(`  step ${String(step).padStart(6)}  RSS ${mb(r)}  (${samples[samples.length - 1].s.toFixed(0)} s)`);
    }
  }, 250);
  return new Promise((resolvePromise, reject) => {
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (!opt.keep) rmSync(dir, { recursive: true, force: true });
      if (code !== 0) {
        reject(new Error(`soak: ${name} exited with ${signal ?? code}:\n${output}`));
        return;
      }
      const from = Math.ceil(steps * warmup);
      const after = samples.filter((x) => x.step >= from);
      if (after.length < 2) {
        reject(new Error(`soak: ${name} finished before enough samples past warm-up (step ${from}); give it more steps`));
        return;
      }
      // End: the first sample after the last step's row (the loop has finished;
      // what the command does next, pictures and curves, is not the loop's).
      const last = after.findIndex((x) => x.step >= steps);
      const loop = last < 0 ? after : after.slice(0, last + 1);
      const start = loop[0];
      const end = loop[loop.length - 1];
      const peak = Math.max(...loop.map((x) => x.rss));
      const growth = end.rss / start.rss - 1;
      const processPeak = Math.max(...samples.map((x) => x.rss));
      resolvePromise({ name, steps, warmupStep: start.step, start: start.rss, peak, end: end.rss, growth, processPeak, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

const runs = [];
if (opt.only !== 'mlp') {
  const steps = num('draw-steps', 1);
  const every = String(Math.max(1, Math.floor(steps / 10)));
  runs.push(['draw', ['train', 'draw', '--batch-size', opt['draw-batch'], '--eval-every', every, '--eval-limit', '64', '--checkpoint-every', every], steps]);
}
if (opt.only !== 'draw') {
  runs.push(['mlp', ['train', 'mnist', '--model', 'mlp', '--batch-size', opt['mlp-batch']], num('mlp-steps', 1)]);
}

let failed = false;
const results = [];
for (const [name, args, steps] of runs) {
  const r = await soak(name, args, steps);
  results.push(r);
  const ok = r.growth < maxGrowth;
  failed ||= !ok;
  console.log(
    `${name}: ${r.steps} steps in ${r.seconds.toFixed(0)} s; RSS at step ${r.warmupStep} ${mb(r.start)}, peak in the loop ${mb(r.peak)}, at its end ${mb(r.end)} ` +
      `(whole process peak ${mb(r.processPeak)}): ` +
      `growth ${(r.growth * 100).toFixed(1)}% ${ok ? 'ok' : `FAIL (limit ${(maxGrowth * 100).toFixed(0)}%)`}`,
  );
}
console.log(JSON.stringify({ soak: results.map((r) => ({ ...r, growth: Number(r.growth.toFixed(4)) })) }));
process.exit(failed ? 1 : 0);
