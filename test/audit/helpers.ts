// Running the audit's cases: in this process (src) or in a child process on a
// built dist, where a crash (a signal) or a hang (the timeout) cannot take the
// test runner down. The helpers `h` are one JavaScript text, so the test and the
// child processes build the same ones.
import { spawnSync } from 'node:child_process';
import type { BadInput, Helpers, Outcome } from './bad-input-cases.js';

/** Defines `h` from `fv`, `require`, `root` (the package folder) and `tmpDir`. */
export const HELPERS_JS = `
const { join } = require('node:path');
const h = {
  tiny: { width: 8, height: 8, channels: 1, T: 2, encoderSize: 4, decoderSize: 4, zSize: 2, attention: true, readN: 2, writeN: 2 },
  tmp: (name) => join(tmpDir, name),
  write: (name, text) => { require('node:fs').writeFileSync(join(tmpDir, name), text); return join(tmpDir, name); },
  cli: (argv) => {
    const r = require('node:child_process').spawnSync(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), ...argv], { encoding: 'utf8', timeout: 120000 });
    if (r.signal) throw new Error('CLI killed by ' + r.signal);
    if (r.status !== 0) throw new Error(r.stderr.trim() || 'CLI exit ' + r.status);
  },
  gzipBomb: () => {
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x00000803, 0);
    header.writeUInt32BE(1, 4);
    header.writeUInt32BE(28, 8);
    header.writeUInt32BE(28, 12);
    return require('node:zlib').gzipSync(Buffer.concat([header, Buffer.alloc(64 << 20)]));
  },
  photo: (() => {
    // A 2×2 PNG (pngjs), so the cases need no image files of the machine.
    const { PNG } = require('pngjs');
    const png = new PNG({ width: 2, height: 2 });
    png.data.fill(128);
    const path = join(tmpDir, 'photo.png');
    require('node:fs').writeFileSync(path, PNG.sync.write(png));
    return path;
  })(),
  post: (value) => {
    const { port1 } = new (require('node:worker_threads').MessageChannel)();
    try { port1.postMessage(value); } finally { port1.close(); }
  },
};
`;

/** What a run of one case gave: the caught message, or how it failed to give one. */
export interface Result {
  kind: 'error' | 'no-error' | 'signal' | 'timeout' | 'exit';
  message: string;
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

/** The helpers for this process. */
export function helpers(root: string, tmpDir: string, req: NodeJS.Require): Helpers {
  return new Function('require', 'root', 'tmpDir', `${HELPERS_JS}\nreturn h;`)(req, root, tmpDir) as Helpers;
}

/** Runs a case's code here with `fv` (the library under test) and `h`. */
export async function runHere(c: BadInput, fv: unknown, h: Helpers): Promise<Result> {
  try {
    await new AsyncFunction('fv', 'h', c.code)(fv, h);
    return { kind: 'no-error', message: '' };
  } catch (e) {
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

/** Runs a case's code in a child process on `dist` (…/dist/src/index.js). */
export function runInChild(c: BadInput, root: string, dist: string, tmpDir: string, timeoutMs = 60_000): Result {
  const script = `const fv = require(${JSON.stringify(dist)});
const root = ${JSON.stringify(root)};
const tmpDir = ${JSON.stringify(tmpDir)};
${HELPERS_JS}
(async () => {
  try { await (async () => { ${c.code}; })(); console.log('NO ERROR'); }
  catch (e) { console.log('ERROR ' + (e instanceof Error ? e.message : String(e)).replace(/\\n/g, ' ')); }
  process.exit(0);
})();`;
  // One ceiling on every machine, so a size over it is refused alike in CI and here.
  const env = { ...process.env, FOVEATE_MAX_ALLOC: '4G' };
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20, env });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { kind: 'timeout', message: `no answer in ${timeoutMs / 1000} s` };
  if (r.signal) return { kind: 'signal', message: `${r.signal}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}` };
  const line = r.stdout.split('\n').find((l) => l.startsWith('ERROR ') || l === 'NO ERROR');
  if (r.status !== 0 || line === undefined) return { kind: 'exit', message: `exit ${r.status}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}` };
  return line === 'NO ERROR' ? { kind: 'no-error', message: '' } : { kind: 'error', message: line.slice('ERROR '.length) };
}

/** The audit's classes: a clear error (the expected message), an unclear one, garbage (no error), a crash or a hang. */
export function classify(c: BadInput, r: Result): Outcome {
  if (r.kind === 'signal' || r.kind === 'exit') return 'crash';
  if (r.kind === 'timeout') return 'hang';
  if (r.kind === 'no-error') return 'garbage';
  return c.message.test(r.message) ? 'clear' : 'unclear';
}
