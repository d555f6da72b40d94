// The message of the Error a piece of code throws, for bad-input tests that
// check what the message names (op, argument, shapes).
import { expect } from 'vitest';
import * as fv from '../../src/index.js';

/** Runs `f` inside tidy and returns the message of the Error it throws. */
export function messageOf(f: () => unknown): string {
  try {
    fv.tidy(() => {
      f();
    });
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return (e as Error).message;
  }
  throw new Error('expected an error, none was thrown');
}
