// The package's types on their own: no DOM library, no @types/node, nothing but
// ES2022 and foveate (scripts/check-package.sh compiles this with lib es2022, types []).
import * as fv from 'foveate';

export function logits(model: fv.nn.Module & { forward(x: fv.Tensor): fv.Tensor }, x: fv.Tensor): number[] {
  return fv.tidy(() => Array.from(model.forward(x).softmax(-1).toFloat32Array()));
}
export const saved: (path: string, m: fv.nn.Module) => void = (path, m) => fv.io.save(path, m.stateDict());
