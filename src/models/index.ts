// fv.models: ready-made models.
export { mnistMlp, mnistConvNet } from './mnist-classifiers.js';
export { BNInception, InceptionModule, ConvUnit, SeparableConvUnit, inceptionTable, type BNInceptionOptions, type InceptionSpec, type Stage } from './bn-inception.js';
export { bnMnistNet, foldBnMnistNet, lastSigmoidInput, type BnMnistOptions } from './bn-mnist.js';
