// The Python baselines (numpy, PyTorch) through one long-lived process,
// bench/worker.py: set up once, then one timed round per request (timed inside
// Python, so process start-up and `import torch` are never in a measurement).
// While foveate runs its round the worker waits on its stdin, using no CPU.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { packageDir } from '../src/package-dir.js';
import { type RoundTiming } from './alternate.js';

interface Answer {
  ok: boolean;
  why?: string;
  [key: string]: unknown;
}

/** A baseline set up in the worker: its case names and what it is ("PyTorch 2.15.0 CPU, 2 threads"). */
export interface Baseline {
  module: string;
  cases: string[];
  label: string;
}

export class PythonWorker {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (a: Answer) => void; reject: (e: Error) => void }[] = [];
  private stderr = '';
  private dead?: string;

  /** Starts python3 on bench/worker.py; OpenBLAS is left to detect the CPU itself (its two overrides are removed). */
  constructor() {
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    this.proc = spawn('python3', [join(packageDir, 'bench', 'worker.py')], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (!w) return;
      try {
        w.resolve(JSON.parse(line) as Answer);
      } catch {
        w.reject(new Error(`bench/worker.py printed something not JSON: ${line.slice(0, 200)}`));
      }
    });
    const die = (why: string): void => {
      this.dead ??= why;
      for (const w of this.waiting.splice(0)) w.reject(new Error(this.dead));
    };
    this.proc.on('error', (e) => die(`python3 could not run: ${e.message}`));
    this.proc.on('exit', (code, signal) => die(`python3 bench/worker.py exited (${signal ?? `code ${code}`}): ${this.stderr.trim().split('\n').pop() ?? ''}`));
    this.proc.stdin.on('error', () => undefined); // a dead worker answers through `die`
  }

  private request(req: object): Promise<Answer> {
    if (this.dead) return Promise.reject(new Error(this.dead));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }

  /** Sets up `module` (bench/<module>.py's setup(config)); throws with the reason it cannot (no torch, …). */
  async setup(module: string, config: unknown): Promise<Baseline> {
    const a = await this.request({ op: 'setup', module, config });
    if (!a.ok) throw new Error(`${module}.py: ${a.why}`);
    return { module, cases: a.cases as string[], label: a.baseline as string };
  }

  /** One timed round of a case. */
  async measure(key: string): Promise<RoundTiming> {
    const a = await this.request({ op: 'measure', case: key });
    if (!a.ok) throw new Error(`${key}: ${a.why}`);
    return { ms: a.ms as number, medianMs: a.median_ms as number, runs: a.runs as number };
  }

  /** Frees a module's models in the worker. */
  async drop(module: string): Promise<void> {
    if (!this.dead) await this.request({ op: 'drop', module });
  }

  close(): void {
    this.dead ??= 'closed';
    this.proc.stdin.end();
  }
}

/** A baseline set up, or the reason it is not there (its rows print n/a with it). */
export async function trySetup(worker: PythonWorker, module: string, config: unknown): Promise<{ baseline?: Baseline; why?: string }> {
  try {
    return { baseline: await worker.setup(module, config) };
  } catch (e) {
    return { why: e instanceof Error ? e.message : String(e) };
  }
}
