// A strict-TypeScript ES-module consumer of the packed package: scripts/check-package.sh
// compiles it with `tsc --strict` (no skipLibCheck, no @types/node) on several
// TypeScript versions, then runs the output.
import * as fv from 'foveate';

class MLP extends fv.nn.Module {
  fc1 = new fv.nn.Linear(784, 32);
  fc2 = new fv.nn.Linear(32, 10);
  forward(x: fv.Tensor): fv.Tensor {
    return this.fc2.forward(this.fc1.forward(x).relu());
  }
}

fv.seed(0);
const model = new MLP();
const opt = new fv.optim.Adam(model.parameters(), { lr: 1e-3 });
const test = fv.data.mnist('test');
let seen = 0;
for (const { x, y } of test.batches({ batchSize: 32, shuffle: true, seed: 1 })) {
  const loss: number = fv.tidy(() => {
    opt.zeroGrad();
    const l = model.forward(x.reshape([-1, 784])).crossEntropy(y!);
    l.backward();
    opt.step();
    return l.item();
  });
  x.dispose();
  y?.dispose();
  if (!Number.isFinite(loss)) throw new Error(`loss ${loss}`);
  if (++seen === 3) break;
}
const state: Record<string, fv.Tensor> = model.stateDict();
const bytes: Uint8Array = fv.io.serialize(state);
const png: Uint8Array = fv.viz.encodePng({ width: 1, height: 1, channels: 1, pixels: new Uint8Array([255]) });
const t = fv.tensor([1, 2, 3], [3]).cast('int32');
const dtype: fv.DType = t.dtype;
console.log(`strict.mts: ok (${model.parameters().length} parameters, ${bytes.length} safetensors bytes, ${png.length} PNG bytes, ${dtype})`);
