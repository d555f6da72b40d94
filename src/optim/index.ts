// fv.optim: optimisers with fused native updates, gradient clipping, lr schedules.
export { Optimizer, type OptimizerState, type ParamState } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { RMSProp, type RMSPropOptions } from './rmsprop.js';
export { Adam, type AdamOptions } from './adam.js';
export { clipGradNorm, type ClipOptions } from './clip.js';
export { StepLR, ExponentialLR } from './schedule.js';
export { PlateauLR, type PlateauOptions, type PlateauState } from './plateau.js';
