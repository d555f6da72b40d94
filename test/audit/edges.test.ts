// Issue 17, item 4: clean edges that are behaviour rather than a message — what
// tidy frees around an async function, what a worker receives, names like
// "__proto__" in files, temporary files a killed write leaves, and that the
// checks refuse only what they should (valid edge values still work).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';
import { asOp } from '../../src/errors.js';
import { removeStaleTemps } from '../../src/io/atomic.js';
import { RunFolder } from '../../src/train/run-folder.js';
import { DRAM_BEST_KEY, DRAM_CONFIG_KEY, readDramCheckpointInfo } from '../../src/train/dram.js';

const dir = mkdtempSync(join(tmpdir(), 'foveate-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The id of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

describe('tidy and noGrad with async functions', () => {
  it('tidy frees what a Promise-returning fn made before it throws', () => {
    const before = fv.memory().numTensors;
    expect(() =>
      fv.tidy(() => {
        fv.zeros([4]);
        fv.ones([4]);
        return Promise.resolve(1);
      }),
    ).toThrow(/tidy: fn must be synchronous, it returned a Promise/);
    expect(fv.memory().numTensors).toBe(before);
  });

  it('tidy and noGrad refuse an async function before running it', () => {
    let ran = false;
    const fn = async (): Promise<void> => {
      ran = true;
    };
    expect(() => fv.tidy(fn)).toThrow(/^tidy: fn must be synchronous, got an async function/);
    expect(() => fv.noGrad(fn)).toThrow(/^noGrad: fn must be synchronous, got an async function/);
    expect(ran).toBe(false);
  });

  it('noGrad refusing a Promise leaves grad mode as it was', () => {
    expect(() => fv.noGrad(() => Promise.resolve(1))).toThrow(/it returned a Promise/);
    expect(fv.autograd.isGradEnabled()).toBe(true);
    expect(fv.noGrad(() => 3)).toBe(3);
  });
});

describe('tensors and threads', () => {
  it('postMessage and structuredClone of a tensor throw a DataCloneError saying what to send', () => {
    const t = fv.zeros([2]);
    const { port1 } = new MessageChannel();
    try {
      expect(() => port1.postMessage({ x: t })).toThrow(/foveate Tensor: a tensor cannot be sent with postMessage or structuredClone; send t\.toFloat32Array\(\)/);
    } finally {
      port1.close();
    }
    expect(() => structuredClone(t)).toThrow(/could not be cloned/);
    // What the message suggests does travel.
    const copy = structuredClone({ values: t.toFloat32Array(), shape: [...t.shape] });
    expect(fv.tensor(copy.values, copy.shape).toArray()).toEqual([0, 0]);
    t.dispose();
  });
});

describe('safetensors names that are Object.prototype keys', () => {
  it('"__proto__" and "constructor" save and load as tensors', () => {
    const path = join(dir, 'proto.safetensors');
    const a = fv.tensor([1, 2], [2]);
    const b = fv.tensor([3], [1]);
    const c = fv.tensor([4, 5, 6], [3]);
    const tensors = Object.fromEntries([['__proto__', a], ['constructor', b], ['w', c]]) as Record<string, fv.Tensor>;
    fv.io.save(path, tensors, { toString: 'x' });
    const { tensors: back, metadata } = fv.io.loadFile(path);
    expect(Object.keys(back).sort()).toEqual(['__proto__', 'constructor', 'w']);
    expect(back['__proto__']!.toArray()).toEqual([1, 2]);
    expect(back['constructor']!.toArray()).toEqual([3]);
    expect(metadata.toString).toBe('x');
    for (const t of [a, b, c, ...Object.values(back)]) t.dispose();
  });

  it('a state dict key "constructor" is unexpected, not found on Object.prototype', () => {
    const m = new fv.nn.Linear(2, 1);
    const state = { weight: fv.zeros([1, 2]), bias: fv.zeros([1]), constructor: fv.zeros([1]) } as unknown as Record<string, fv.Tensor>;
    expect(() => m.loadStateDict(state)).toThrow(/unexpected keys \[constructor\]/);
    // strict: false loads the names both sides have.
    m.loadStateDict({ weight: fv.ones([1, 2]) }, { strict: false });
    expect(m.weight.toArray()).toEqual([[1, 1]]);
  });
});

describe('configs read back from checkpoints', () => {
  it('a DRAM checkpoint with a damaged best-so-far record is an error naming the file, not forgotten', () => {
    const config = JSON.stringify(fv.models.DRAM_DEFAULTS);
    const t = fv.zeros([1]);
    const write = (best: string): string => {
      const path = join(dir, `dram-${readdirSync(dir).length}.safetensors`);
      fv.io.save(path, { t }, { [DRAM_CONFIG_KEY]: config, [DRAM_BEST_KEY]: best });
      return path;
    };
    expect(readDramCheckpointInfo(write('{"step":100,"error":0.05}')).best).toEqual({ step: 100, error: 0.05 });
    expect(() => readDramCheckpointInfo(write('{"step":-1,"error":0.05}'))).toThrow(/^DRAM checkpoint: .*dram_best .* is not \{ step: a non-negative integer/);
    expect(() => readDramCheckpointInfo(write('{"step":1,"eror":0.05}'))).toThrow(/unknown option 'eror' \(did you mean 'error'\?\)/);
    expect(() => readDramCheckpointInfo(write('not json'))).toThrow(/^DRAM checkpoint: .*metadata dram_best is not valid JSON/);
    const extra = JSON.stringify({ ...fv.models.DRAM_DEFAULTS, glimpes: 4 });
    const path = join(dir, 'dram-extra.safetensors');
    fv.io.save(path, { t }, { [DRAM_CONFIG_KEY]: extra });
    expect(() => readDramCheckpointInfo(path)).toThrow(/unknown option 'glimpes' \(did you mean 'glimpses'\?\)/);
    t.dispose();
  });
});

describe('temporary files of interrupted writes', () => {
  it('the next write of a file removes its stale temp files; live writers and other files are left', () => {
    const d = join(dir, 'run-a');
    mkdirSync(d);
    const dead = deadPid();
    const stale = `.checkpoint.safetensors.${dead}.k3x9.tmp`;
    const live = `.checkpoint.safetensors.${process.pid}.a1b2.tmp`;
    const other = `.metrics.jsonl.${dead}.zz1.tmp`;
    for (const f of [stale, live, other]) writeFileSync(join(d, f), 'partial');
    const t = fv.zeros([1]);
    fv.io.save(join(d, 'checkpoint.safetensors'), { t });
    t.dispose();
    expect(readdirSync(d).sort()).toEqual([live, other, 'checkpoint.safetensors'].sort());
  });

  it('a run folder removes stale temp files of every name when it opens', () => {
    const d = join(dir, 'run-b');
    mkdirSync(d);
    const dead = deadPid();
    const names = [`.checkpoint.safetensors.${dead}.q1.tmp`, `.metrics.jsonl.${dead}.q2.tmp`, `.samples.png.${dead}.q3.tmp`];
    for (const f of names) writeFileSync(join(d, f), 'partial');
    writeFileSync(join(d, 'keep.tmp'), 'not ours');
    new RunFolder(d);
    expect(readdirSync(d)).toEqual(['keep.tmp']);
    expect(removeStaleTemps(join(dir, 'no-such-folder'))).toEqual([]);
  });

  it('a kill -9 mid-write leaves a temp file that the next write cleans', () => {
    const d = join(dir, 'run-c');
    mkdirSync(d);
    // A child that opens its temp file the way writeFileAtomic names it, then is killed.
    const child = spawnSync(
      process.execPath,
      ['-e', `require('node:fs').writeFileSync(require('node:path').join(${JSON.stringify(d)}, '.ck.safetensors.' + process.pid + '.abc.tmp'), 'half'); process.kill(process.pid, 'SIGKILL');`],
    );
    expect(child.signal).toBe('SIGKILL');
    expect(readdirSync(d)).toHaveLength(1);
    const t = fv.zeros([1]);
    fv.io.save(join(d, 'ck.safetensors'), { t });
    t.dispose();
    expect(readdirSync(d)).toEqual(['ck.safetensors']);
  });
});

describe('the checks refuse only what they should', () => {
  it('int32 holds its whole range; Int32Array data is taken as it is', () => {
    const t = fv.tensor([-(2 ** 31), 2 ** 31 - 1, 0, -0], [4], { dtype: 'int32' });
    expect(Array.from(t.toInt32Array())).toEqual([-(2 ** 31), 2 ** 31 - 1, 0, 0]);
    expect(() => fv.tensor([2 ** 31], [1], { dtype: 'int32' })).toThrow(/outside the int32 range/);
    expect(() => fv.tensor([NaN], [1], { dtype: 'int32' })).toThrow(/is not an integer/);
    expect(fv.tensor([NaN, Infinity], [2]).toFloat32Array()[1]).toBe(Infinity); // floats keep NaN and ±∞
    expect(fv.full([2], 7, { dtype: 'int32' }).toInt32Array()).toEqual(new Int32Array([7, 7]));
  });

  it('permutation(0) is empty; batches larger than the set give one batch without dropLast', () => {
    expect(fv.data.permutation(0, 1)).toEqual(new Int32Array(0));
    expect(Array.from(fv.data.permutation(5, 3)).sort()).toEqual([0, 1, 2, 3, 4]);
    const b = [...fv.data.batches({ images: new Float32Array(6), shape: [3, 2] }, { batchSize: 10 })];
    expect(b.map((x) => x.x.shape)).toEqual([[3, 2]]);
    for (const x of b) x.x.dispose();
  });

  it('bnMnistNet with 0 hidden layers is the softmax regression 784 → 10', () => {
    const m = fv.models.bnMnistNet({ layers: 0 });
    expect(m.parameters().map((p) => p.shape)).toEqual([[10, 784], [10]]);
  });

  it('Bernoulli losses take targets on the bounds 0 and 1, and float64', () => {
    const l = fv.ops.bceWithLogits(fv.zeros([3]), fv.tensor([0, 1, 0.5], [3]));
    expect(l.item()).toBeCloseTo(Math.log(2), 6);
    const l64 = fv.ops.bceWithLogits(fv.zeros([2], { dtype: 'float64' }), fv.tensor([1, 0], [2], { dtype: 'float64' }));
    expect(l64.item()).toBeCloseTo(Math.log(2), 12);
    expect(() => fv.ops.bceWithLogits(fv.zeros([1]), fv.tensor([NaN], [1]))).toThrow(/targets must lie in \[0, 1\]/);
  });

  it('linePlot on a log axis leaves out y ≤ 0 and writes no NaN', () => {
    const svg = fv.viz.linePlot(
      [
        { label: 'mixed', x: [1, 2, 3, 4], y: [0, -1, 10, 100] },
        { label: 'none positive', x: [1, 2], y: [0, -5] },
      ],
      { logY: true, yMin: 0 },
    );
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg).toContain('none positive (no data)');
  });

  it('a gzipped IDX file still reads; one inflating past its header fails at once', () => {
    const idx = Buffer.alloc(16 + 4);
    idx.writeUInt32BE(0x00000803, 0);
    idx.writeUInt32BE(1, 4);
    idx.writeUInt32BE(2, 8);
    idx.writeUInt32BE(2, 12);
    idx.set([1, 2, 3, 4], 16);
    expect(Array.from(fv.data.parseIdx(gzipSync(idx), 'ok.gz', fv.data.IDX_IMAGES).data)).toEqual([1, 2, 3, 4]);
    const bomb = gzipSync(Buffer.concat([idx.subarray(0, 16), Buffer.alloc(32 << 20)]));
    const start = performance.now();
    expect(() => fv.data.parseIdx(bomb, 'bomb.gz', fv.data.IDX_IMAGES)).toThrow(/^readIdx: bomb\.gz: gzip data inflates past the 20 bytes its IDX header declares/);
    expect(performance.now() - start).toBeLessThan(2000);
    // A gzip stream cut short is still reported as damaged.
    expect(() => fv.data.parseIdx(gzipSync(idx).subarray(0, 12), 'cut.gz')).toThrow(/^readIdx: cut\.gz: gzip data is damaged/);
  });
});

describe('asOp: errors renamed after the op the user called', () => {
  it('replaces the inner op name, keeps the message and the cause', () => {
    const inner = new Error('rand: output shape [2] needs 8 bytes');
    let caught: Error | undefined;
    try {
      asOp('Linear', () => {
        throw inner;
      }, 'weight');
    } catch (e) {
      caught = e as Error;
    }
    expect(caught!.message).toBe('Linear: weight: output shape [2] needs 8 bytes');
    expect(caught!.cause).toBe(inner);
    // An error already naming the op passes unchanged; one with no op name gets it.
    const own = new Error('DRAW.loss: x must be a Tensor');
    expect(() => asOp('DRAW.loss', () => { throw own; })).toThrow(own);
    expect(() => asOp('DRAW.loss', () => { throw new TypeError('x is undefined'); })).toThrow(/^DRAW\.loss: x is undefined$/);
    expect(existsSync(dir)).toBe(true);
  });
});
