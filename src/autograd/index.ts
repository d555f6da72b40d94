// fv.autograd: the tape (record, noGrad, detach), backward and gradcheck.
import './engine.js';
export { detach, isGradEnabled, noGrad, record } from './graph.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
