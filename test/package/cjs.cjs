// A CommonJS consumer of the packed package, run by scripts/check-package.sh.
'use strict';
const assert = require('node:assert/strict');
const fv = require('foveate');

fv.seed(0);
const model = new fv.nn.Sequential(new fv.nn.Linear(784, 32), new fv.nn.ReLU(), new fv.nn.Linear(32, 10));
assert.equal(model.parameters().length, 4);
const opt = new fv.optim.SGD(model.parameters(), { lr: 0.1 });
const x = fv.rand([16, 784]);
const y = fv.tensor(new Int32Array(16).map((_, i) => i % 10), [16]);
const losses = [];
for (let i = 0; i < 5; i++) {
  losses.push(fv.tidy(() => {
    opt.zeroGrad();
    const l = model.forward(x).crossEntropy(y);
    l.backward();
    opt.step();
    return l.item();
  }));
}
assert.ok(losses[4] < losses[0], `the loss drops: ${losses.join(', ')}`);
console.log(`cjs: ok (loss ${losses[0].toFixed(3)} → ${losses[4].toFixed(3)})`);
