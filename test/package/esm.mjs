// An ES-module consumer of the packed package, run by scripts/check-package.sh in a
// scratch project where `foveate` is the installed tarball (no Rust on PATH).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fvDefault, * as fv from 'foveate';

// One instance for `import` and `require`, and the prebuilt addon, not a source build.
assert.equal(fvDefault.randn, fv.randn);
assert.equal(createRequire(import.meta.url)('foveate').randn, fv.randn);
const pkg = dirname(createRequire(import.meta.url).resolve('foveate/package.json'));
assert.ok(existsSync(join(pkg, 'foveate.linux-x64-gnu.node')), 'the prebuilt addon is in the package');
assert.ok(!existsSync(join(pkg, 'target')), 'no cargo target/ folder in the installed package');

fv.seed(0);
const x = fv.randn([8, 4]);
const w = fv.randn([3, 4], { requiresGrad: true });
const loss = x.matmul(w, { transB: true }).tanh().square().mean();
loss.backward();
assert.deepEqual(w.grad?.shape, [3, 4]);
const { images, labels } = fv.data.mnist('test').tensors({ flatten: true });
assert.deepEqual([images.shape, labels.dtype], [[10000, 784], 'int32']);
console.log(`esm: ok (loss ${loss.item().toFixed(4)}, ${fv.devices().map((d) => d.kind).join(', ')})`);
