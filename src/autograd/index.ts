// fv.autograd: the tape (record, recordMulti, noGrad, detach), backward and gradcheck.
import './engine.js';
export { detach, isGradEnabled, noGrad, record, recordMulti } from './graph.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
