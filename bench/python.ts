// Runs a baseline script under Python (numpy, PyTorch) and parses its JSON.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageDir } from '../src/package-dir.js';

export interface PythonResult<T> {
  ok: boolean;
  value?: T;
  why?: string;
}

/** OpenBLAS is left to detect the CPU itself: its two overrides are removed. */
export function runPython<T>(script: string, input: unknown): PythonResult<T> {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', [join(packageDir, 'bench', script)], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    env,
    maxBuffer: 1 << 24,
  });
  if (r.error) return { ok: false, why: `python3 could not run: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, why: `${script} failed: ${r.stderr.trim().split('\n').pop()}` };
  try {
    return { ok: true, value: JSON.parse(r.stdout) as T };
  } catch {
    return { ok: false, why: `${script} printed no JSON` };
  }
}
