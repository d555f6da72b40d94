// fv.autograd: the tape (record, recordMulti, noGrad, detach — kept in tensor.ts, where
// the ops record on it), backward and gradcheck.
import './engine.js';
export { detach, isGradEnabled, noGrad, record, recordMulti } from '../tensor.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
