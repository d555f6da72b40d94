// The strict options check (src/options.ts): unknown keys fail naming the op, the key,
// the accepted keys and the nearest accepted key; non-objects fail clearly.
import { describe, expect, it } from 'vitest';
import { checkOptions, nearestOption } from '../src/options.js';

const ADAM = ['lr', 'betas', 'eps', 'weightDecay'];

describe('checkOptions', () => {
  it('accepts undefined, an empty object and known keys (undefined values included)', () => {
    expect(() => checkOptions('Adam', undefined, ADAM)).not.toThrow();
    expect(() => checkOptions('Adam', {}, ADAM)).not.toThrow();
    expect(() => checkOptions('Adam', { lr: 0.1, eps: undefined }, ADAM)).not.toThrow();
  });

  it('names the op, the key, the nearest key and the accepted keys', () => {
    expect(() => checkOptions('Adam', { learningRate: 0.5 }, ADAM)).toThrow(
      "Adam: unknown option 'learningRate' (did you mean 'lr'?); accepted: lr, betas, eps, weightDecay",
    );
    expect(() => checkOptions('conv2d', { strid: 2 }, ['bias', 'stride', 'padding'])).toThrow(/^conv2d: unknown option 'strid' \(did you mean 'stride'\?\); accepted: bias, stride, padding$/);
  });

  it('leaves out the hint when nothing is close', () => {
    expect(() => checkOptions('matmul', { colour: 'red' }, ['transA', 'transB'])).toThrow(/^matmul: unknown option 'colour'; accepted: transA, transB$/);
    expect(() => checkOptions('bernoulli', { x: 1 }, [])).toThrow(/^bernoulli: unknown option 'x'; accepted: none$/);
  });

  it('refuses a key undefined in value too: a misspelt key is wrong whatever its value', () => {
    expect(() => checkOptions('Adam', { lR: undefined }, ADAM)).toThrow(/unknown option 'lR' \(did you mean 'lr'\?\)/);
  });

  it('refuses non-objects', () => {
    expect(() => checkOptions('Adam', 0.1, ADAM)).toThrow(/^Adam: options must be an object, expected \{ lr, betas, eps, weightDecay \}, got number 0.1$/);
    expect(() => checkOptions('Adam', null, ADAM)).toThrow(/got null$/);
    expect(() => checkOptions('Adam', [1], ADAM)).toThrow(/got an array$/);
    expect(() => checkOptions('Adam', 'lr', ADAM)).toThrow(/got string lr$/);
  });

  it('finds the nearest key by case, by edit distance, by known aliases; none when far', () => {
    expect(nearestOption('keepDims', ['keepdims'])).toBe('keepdims');
    expect(nearestOption('transb', ['transA', 'transB'])).toBe('transB');
    expect(nearestOption('momentun', ['training', 'momentum', 'eps'])).toBe('momentum');
    expect(nearestOption('biais', ['bias', 'device'])).toBe('bias');
    expect(nearestOption('tSteps', ['width', 'height', 'T', 'encoderSize'])).toBe('T');
    expect(nearestOption('stdev', ['mean', 'std', 'device'])).toBe('std');
    expect(nearestOption('learning_rate', ADAM)).toBe('lr');
    expect(nearestOption('weight_decay', ADAM)).toBe('weightDecay');
    expect(nearestOption('zzz', ADAM)).toBeUndefined();
    expect(nearestOption('b', ['lr'])).toBeUndefined();
  });
});
