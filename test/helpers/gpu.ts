// Whether this process has a CUDA device, and the one line GPU suites print
// when it has none (a runtime condition: the same files run on a GPU machine).
import * as fv from '../../src/index.js';

export const hasGpu = fv.hasCuda();

/** Why there is no GPU, in the binding's words. */
function reason(): string {
  try {
    fv.tidy(() => fv.zeros([1]).to('cuda'));
    return 'fv.devices() lists no cuda entry';
  } catch (e) {
    return (e as Error).message;
  }
}

/** Prints "no CUDA device: GPU tests skipped — …" once, when there is no GPU. */
export function announceSkip(suite: string): void {
  if (!hasGpu) console.warn(`no CUDA device: GPU tests skipped — ${suite}: ${reason()}`);
}
