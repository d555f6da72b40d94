// fv.memory() counts live native tensors and bytes per device exactly, and
// fv.tidy/keep release what they should — no more, no less.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fv from '../src/index.js';
import { native } from '../src/native.js';

/** Change in (tensors, bytes) on the CPU and in total since `before`. */
function delta(before: fv.MemoryInfo): { tensors: number; bytes: number; cpuTensors: number; cpuBytes: number } {
  const now = fv.memory();
  return {
    tensors: now.numTensors - before.numTensors,
    bytes: now.numBytes - before.numBytes,
    cpuTensors: now.devices.cpu!.tensors - before.devices.cpu!.tensors,
    cpuBytes: now.devices.cpu!.bytes - before.devices.cpu!.bytes,
  };
}

const flat = { tensors: 0, bytes: 0, cpuTensors: 0, cpuBytes: 0 };

describe('memory: counts', () => {
  it('reports every device with tensors and bytes, totals equal to the per-device sums', () => {
    const m = fv.memory();
    expect(Object.keys(m.devices).sort()).toEqual(['cpu', 'cuda']);
    const sum = Object.values(m.devices).reduce((s, d) => ({ tensors: s.tensors + d.tensors, bytes: s.bytes + d.bytes }), { tensors: 0, bytes: 0 });
    expect(sum).toEqual({ tensors: m.numTensors, bytes: m.numBytes });
    if (!fv.hasCuda()) expect(m.devices.cuda).toEqual({ tensors: 0, bytes: 0 });
  });

  it('creation adds exactly one tensor and 4 bytes per element; dispose removes them', () => {
    const before = fv.memory();
    const a = fv.zeros([3, 5]);
    expect(delta(before)).toEqual({ tensors: 1, bytes: 60, cpuTensors: 1, cpuBytes: 60 });
    const b = fv.tensor(Int32Array.from([1, 2, 3, 4, 5, 6, 7]), [7]);
    expect(delta(before)).toEqual({ tensors: 2, bytes: 88, cpuTensors: 2, cpuBytes: 88 });
    const c = fv.randn([0, 3]);
    const d = fv.tensor(2.5);
    expect(delta(before)).toEqual({ tensors: 4, bytes: 92, cpuTensors: 4, cpuBytes: 92 });
    a.dispose();
    expect(delta(before)).toEqual({ tensors: 3, bytes: 32, cpuTensors: 3, cpuBytes: 32 });
    a.dispose(); // a second dispose changes nothing
    expect(delta(before)).toEqual({ tensors: 3, bytes: 32, cpuTensors: 3, cpuBytes: 32 });
    for (const t of [b, c, d]) t.dispose();
    expect(delta(before)).toEqual(flat);
  });

  it('each op result is one new tensor; temporaries (number operands, clamp) are freed', () => {
    const x = fv.ones([4, 4]);
    const before = fv.memory();
    const results = [
      fv.ops.exp(x),
      fv.ops.add(x, 2),
      fv.ops.sub(3, x),
      fv.ops.clamp(x, 0, 0.5),
      fv.ops.reshape(x, [-1]),
      fv.ops.transpose(x),
    ];
    expect(delta(before)).toEqual({ tensors: 6, bytes: 6 * 64, cpuTensors: 6, cpuBytes: 6 * 64 });
    const s = fv.ops.sum(x, [0]);
    const am = fv.ops.argmax(x, 1);
    expect(delta(before)).toEqual({ tensors: 8, bytes: 6 * 64 + 16 + 16, cpuTensors: 8, cpuBytes: 6 * 64 + 32 });
    for (const t of [...results, s, am]) t.dispose();
    expect(delta(before)).toEqual(flat);
    x.dispose();
  });

  it('a failed op leaves no tensor behind', () => {
    const x = fv.ones([2, 3]);
    const idx = fv.tensor(Int32Array.from([9]), [1, 1]);
    const before = fv.memory();
    expect(() => fv.ops.matmul(x, x)).toThrow(/matmul/);
    expect(() => fv.ops.gather(x, 1, idx)).toThrow(/gather/);
    expect(() => fv.ops.mul(x, idx)).toThrow(/mul/);
    expect(() => fv.ops.softmax(x, 2)).toThrow(/softmax/);
    expect(() => fv.tensor([1, 2, 3], [2, 2])).toThrow(/tensor/);
    expect(() => fv.ops.add(fv.ops.reshape(x, [3, 2]), x)).toThrow(/broadcast/);
    expect(delta(before)).toEqual({ tensors: 1, bytes: 24, cpuTensors: 1, cpuBytes: 24 }); // only the reshape result
    x.dispose();
    idx.dispose();
  });
});

describe('memory: tidy and keep', () => {
  it('disposes intermediates and keeps the returned tensor', () => {
    const x = fv.ones([8]);
    const before = fv.memory();
    const kept: fv.Tensor[] = [];
    const y = fv.tidy(() => {
      const a = fv.ops.mul(x, 2);
      const b = fv.ops.exp(a);
      kept.push(a, b);
      return fv.ops.add(a, b);
    });
    expect(kept.every((t) => t.isDisposed)).toBe(true);
    expect(y.isDisposed).toBe(false);
    expect(x.isDisposed).toBe(false); // made outside the scope
    expect(delta(before)).toEqual({ tensors: 1, bytes: 32, cpuTensors: 1, cpuBytes: 32 });
    expect(Array.from(y.toFloat32Array())[0]).toBeCloseTo(2 + Math.exp(2), 4);
    y.dispose();
    x.dispose();
    expect(delta(before)).toEqual({ tensors: -1, bytes: -32, cpuTensors: -1, cpuBytes: -32 });
  });

  it('keeps every tensor inside a returned array, object or Map', () => {
    const before = fv.memory();
    const out = fv.tidy(() => {
      fv.ones([100]); // garbage
      const t = [fv.ones([1]), fv.ones([2])] as const;
      return { list: t, nested: { deep: [fv.ones([3])] }, map: new Map([['k', fv.ones([4])]]), n: 7, s: 'x' };
    });
    expect(delta(before)).toEqual({ tensors: 4, bytes: 40, cpuTensors: 4, cpuBytes: 40 });
    for (const t of [...out.list, ...out.nested.deep, ...out.map.values()]) t.dispose();
    expect(delta(before)).toEqual(flat);
  });

  it('nested scopes: an inner result survives the inner scope and dies with the outer unless returned', () => {
    const before = fv.memory();
    let innerResult: fv.Tensor | undefined;
    let innerTemp: fv.Tensor | undefined;
    const outer = fv.tidy(() => {
      const a = fv.ones([5]);
      innerResult = fv.tidy(() => {
        innerTemp = fv.ops.neg(a);
        return fv.ops.exp(innerTemp);
      });
      expect(innerTemp!.isDisposed).toBe(true);
      expect(innerResult.isDisposed).toBe(false);
      expect(a.isDisposed).toBe(false);
      return fv.ops.add(a, innerResult);
    });
    expect(innerResult!.isDisposed).toBe(true);
    expect(outer.isDisposed).toBe(false);
    expect(delta(before)).toEqual({ tensors: 1, bytes: 20, cpuTensors: 1, cpuBytes: 20 });
    outer.dispose();
  });

  it('an inner scope may return a tensor the outer scope then returns', () => {
    const before = fv.memory();
    const y = fv.tidy(() => fv.tidy(() => fv.ops.sqrt(fv.ones([3]))));
    expect(y.isDisposed).toBe(false);
    expect(delta(before)).toEqual({ tensors: 1, bytes: 12, cpuTensors: 1, cpuBytes: 12 });
    y.dispose();
  });

  it('keep() exempts a tensor from every enclosing scope', () => {
    const before = fv.memory();
    let k1: fv.Tensor | undefined;
    let k2: fv.Tensor | undefined;
    fv.tidy(() => {
      k1 = fv.keep(fv.ones([6]));
      fv.tidy(() => {
        k2 = fv.keep(fv.ops.exp(k1!));
        fv.ops.exp(k2); // garbage
      });
      fv.ones([6]); // garbage
    });
    expect(k1!.isDisposed).toBe(false);
    expect(k2!.isDisposed).toBe(false);
    expect(delta(before)).toEqual({ tensors: 2, bytes: 48, cpuTensors: 2, cpuBytes: 48 });
    k1!.dispose();
    k2!.dispose();
    expect(delta(before)).toEqual(flat);
  });

  it('a returned tensor that was made outside the scope is left alone', () => {
    const x = fv.ones([2]);
    const before = fv.memory();
    const same = fv.tidy(() => {
      fv.ops.exp(x);
      return x;
    });
    expect(same).toBe(x);
    expect(x.isDisposed).toBe(false);
    expect(delta(before)).toEqual(flat);
    x.dispose();
  });

  it('an exception inside tidy still disposes the scope and propagates', () => {
    const before = fv.memory();
    expect(() =>
      fv.tidy(() => {
        fv.ones([10]);
        fv.ops.exp(fv.ones([10]));
        throw new Error('boom in tidy');
      }),
    ).toThrow('boom in tidy');
    expect(delta(before)).toEqual(flat);
    // Scopes are balanced afterwards: a new tidy still frees its temporaries.
    fv.tidy(() => fv.ones([3]) && undefined);
    expect(delta(before)).toEqual(flat);
  });

  it('1,000 iterations of small ops inside tidy leave the counts flat', () => {
    const w = fv.randn([8, 8]);
    let h = fv.zeros([4, 8]);
    const start = fv.memory();
    let at10: fv.MemoryInfo | undefined;
    for (let i = 0; i < 1000; i++) {
      const next = fv.tidy(() => {
        const z = fv.ops.add(fv.ops.matmul(h, w), fv.ops.mul(h, 0.5));
        const s = fv.ops.softmax(fv.ops.tanh(z), -1);
        fv.ops.sum(fv.ops.slice(s, [0, 1], [2, -1]));
        return fv.ops.sub(s, fv.ops.mean(s, 1, { keepdims: true }));
      });
      h.dispose();
      h = next;
      if (i === 10) at10 = fv.memory();
    }
    const end = fv.memory();
    expect(end.numTensors).toBe(start.numTensors);
    expect(end.numBytes).toBe(start.numBytes);
    expect(end).toEqual(at10);
    expect(h.toFloat32Array().every(Number.isFinite)).toBe(true);
    h.dispose();
    w.dispose();
  });
});

// Issue 17, item 2: bounded memory in long runs. The RSS figures are the soak's
// (`npm run soak`, not a unit test); here, the deterministic parts of the fix.
describe('memory: native release', () => {
  it('a tensor is a plain id in the binding\'s table, freed by dispose at once (no napi object waits for the event loop)', () => {
    const made = native.fromFloat32(new Float32Array(6), [2, 3], 'cpu');
    expect(Array.isArray(made)).toBe(true);
    expect(made.slice(1)).toEqual([0, 2, 3]); // kind 0 (float32, cpu), then the shape
    native.free(made[0]!);
    native.free(made[0]!); // a stale id is ignored
    const ids = native.liveIds();
    const before = fv.memory();
    const t = fv.randn([1024, 1024]);
    expect(native.liveIds()).toBe(ids + 1);
    expect(delta(before).bytes).toBe(4 << 20);
    t.dispose();
    expect(native.liveIds()).toBe(ids);
    expect(delta(before)).toEqual(flat);
  });

  it('a disposed id cannot reach a tensor that reuses its slot', () => {
    const a = fv.ones([2]);
    const id = a.handle('test').id;
    a.dispose();
    const b = fv.zeros([3]); // likely in a's slot, under a new generation
    expect(() => native.unary('exp', id, 0)).toThrow(/^exp: tensor was disposed/);
    native.free(id); // stale: b survives
    expect(b.toArray()).toEqual([0, 0, 0]);
    b.dispose();
  });

  it('10,000 synchronous tidy steps leave the table, the counts and the V8-reported bytes where they were', () => {
    const w = fv.randn([32, 32]);
    const ids = native.liveIds();
    const before = fv.memory();
    for (let i = 0; i < 10_000; i++) {
      fv.tidy(() => fv.ops.sum(fv.ops.relu(fv.ops.matmul(fv.ones([4, 32]), w))).item());
    }
    expect(native.liveIds()).toBe(ids);
    expect(delta(before)).toEqual(flat);
    w.dispose();
  });

  it('native bytes are reported to V8 as external memory, and given back on dispose', () => {
    const e0 = native.v8ExternalBytes();
    const t = fv.randn([16, 1024, 1024]); // 64 MiB
    const grown = native.v8ExternalBytes() - e0;
    t.dispose();
    const after = native.v8ExternalBytes() - e0;
    // Reported in steps of at least 1 MiB (crates/node/src/tensor.rs).
    expect(grown).toBeGreaterThan(63 << 20);
    expect(grown).toBeLessThan(66 << 20);
    expect(Math.abs(after)).toBeLessThan(2 << 20);
  });

  it('tensors dropped without dispose, outside tidy, are freed once V8 collects them (child process, --expose-gc)', async () => {
    const entry = join(__dirname, '..', 'src', 'index.ts');
    const script = `import * as ns from ${JSON.stringify(entry)};
const fv = typeof ns.randn === 'function' ? ns : ns.default;
const before = fv.memory().numBytes;
(() => {
  for (let i = 0; i < 8; i++) fv.randn([256, 1024]);            // made outside any scope, dropped
  fv.tidy(() => [fv.randn([256, 1024]), fv.randn([256, 1024])]); // returned from tidy, dropped
  const kept = fv.tidy(() => fv.keep(fv.randn([256, 1024])));    // kept, dropped
})();
const held = fv.memory().numBytes - before;
let freed = false;
for (let turn = 0; turn < 200 && !freed; turn++) {
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 5));
  freed = fv.memory().numBytes === before;
}
console.log(JSON.stringify({ held, freed }));`;
    const out = await new Promise<string>((resolve) => {
      const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script]);
      let stdout = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stdout += d));
      p.on('close', () => resolve(stdout));
    });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ held: 11 * (1 << 20), freed: true });
  }, 60_000);
});

describe('memory: releaseFreeMemory', () => {
  const linux = process.platform === 'linux';
  if (!linux) console.log('memory.test: the resident-set check of releaseFreeMemory needs Linux (/proc/self/status); skipped');
  const rssBytes = (): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

  it.skipIf(!linux)('gives the free pages of a fragmented heap back to the OS, and leaves live tensors as they were', () => {
    // 1 MiB tensors come from glibc's heap (under the 4 MiB own-mapping size); keeping
    // every other one leaves 48 MiB of free holes that the heap would keep resident.
    const all = Array.from({ length: 96 }, (_, i) => fv.full([1 << 18], i));
    const kept = all.filter((_, i) => i % 2 === 0);
    for (const [i, t] of all.entries()) if (i % 2 === 1) t.dispose();
    const before = rssBytes();
    fv.releaseFreeMemory();
    const after = rssBytes();
    expect(before - after).toBeGreaterThan(24 * (1 << 20));
    for (const [j, t] of kept.entries()) {
      const v = t.toFloat32Array();
      expect([v[0], v[v.length - 1]]).toEqual([2 * j, 2 * j]);
      t.dispose();
    }
  });
});

