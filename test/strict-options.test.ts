// Strict options at every entry point (issue 17, item 3): a misspelt or unknown key
// fails naming the op, the key, the accepted keys and the nearest one, instead of
// silently taking the default. One row per place checkOptions is applied; then valid
// options still work, and requiresGrad is accepted at creation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as fv from '../src/index.js';
import { accuracy, trainClassifier } from '../src/train/classifier.js';
import { errorRate, trainDram } from '../src/train/dram.js';
import { trainDraw } from '../src/train/draw.js';
import { writeDrawPictures } from '../src/train/draw-pictures.js';
import { writeGlimpsePictures } from '../src/train/dram-pictures.js';

type Any = any;
const bad = (o: object): Any => o;
const dir = mkdtempSync(join(tmpdir(), 'foveate-strict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const x4 = (): fv.Tensor => fv.zeros([1, 1, 4, 4]);
const w = (): fv.Tensor => fv.zeros([2, 2], { requiresGrad: true });
const tinyDraw = { width: 4, height: 4, channels: 1, T: 2, encoderSize: 3, decoderSize: 3, zSize: 2, attention: true, readN: 2, writeN: 2 } as const;

/** [entry point, call with bad options, expected message]. */
const CASES: [string, () => unknown, RegExp][] = [
  // creation
  ['tensor', () => fv.tensor([1, 2], [2], bad({ requires_grad: true })), /^tensor: unknown option 'requires_grad' \(did you mean 'requiresGrad'\?\); accepted: device, dtype, requiresGrad$/],
  ['full', () => fv.full([2], 1, bad({ dtyp: 'float64' })), /^full: unknown option 'dtyp' \(did you mean 'dtype'\?\)/],
  ['zeros', () => fv.zeros([2], bad({ devic: 'cpu' })), /^zeros: unknown option 'devic' \(did you mean 'device'\?\)/],
  ['ones', () => fv.ones([2], bad({ grad: true })), /^ones: unknown option 'grad' \(did you mean 'requiresGrad'\?\); accepted: device, dtype, requiresGrad$/],
  ['randn', () => fv.randn([2], bad({ stdev: 2 })), /^randn: unknown option 'stdev' \(did you mean 'std'\?\); accepted: mean, std, device, requiresGrad$/],
  ['rand', () => fv.rand([2], bad({ hi: 2 })), /^rand: unknown option 'hi'/],
  ['bernoulli', () => fv.bernoulli([2], 0.5, bad({ p: 0.2 })), /^bernoulli: unknown option 'p'; accepted: device, requiresGrad$/],
  ['non-object options', () => fv.zeros([2], bad(5 as unknown as object)), /^zeros: options must be an object, expected \{ device, dtype, requiresGrad \}, got number 5$/],
  // ops
  ['ops.conv2d', () => fv.ops.conv2d(x4(), fv.zeros([1, 1, 3, 3]), bad({ strid: 2 })), /^conv2d: unknown option 'strid' \(did you mean 'stride'\?\); accepted: bias, stride, padding, dilation, groups, activation$/],
  ['ops.maxPool2d', () => fv.ops.maxPool2d(x4(), bad({ kernel: 2, stide: 1 })), /^maxPool2d: unknown option 'stide' \(did you mean 'stride'\?\)/],
  ['ops.avgPool2d', () => fv.ops.avgPool2d(x4(), bad({ kernel: 2, countIncludePadding: false })), /^avgPool2d: unknown option 'countIncludePadding' \(did you mean 'countIncludePad'\?\)/],
  ['ops.sum', () => fv.ops.sum(x4(), 0, bad({ keepDims: true })), /^sum: unknown option 'keepDims' \(did you mean 'keepdims'\?\); accepted: keepdims$/],
  ['ops.mean', () => fv.ops.mean(x4(), 0, bad({ keepdim: true })), /^mean: unknown option 'keepdim' \(did you mean 'keepdims'\?\)/],
  ['ops.max', () => fv.ops.max(x4(), 0, bad({ keep: true })), /^max: unknown option 'keep' \(did you mean 'keepdims'\?\)/],
  ['ops.min', () => fv.ops.min(x4(), 0, bad({ axis: 1 })), /^min: unknown option 'axis'; accepted: keepdims$/],
  ['ops.argmax', () => fv.ops.argmax(x4(), 0, bad({ keepDims: true })), /^argmax: unknown option 'keepDims' \(did you mean 'keepdims'\?\)/],
  ['ops.matmul', () => fv.ops.matmul(fv.zeros([2, 2]), fv.zeros([2, 2]), bad({ transb: true })), /^matmul: unknown option 'transb' \(did you mean 'transB'\?\); accepted: transA, transB$/],
  ['ops.batchNorm', () => fv.ops.batchNorm(fv.zeros([2, 3]), null, null, bad({ training: true, momentun: 0.5 })), /^batchNorm: unknown option 'momentun' \(did you mean 'momentum'\?\)/],
  ['ops.dropout', () => fv.ops.dropout(x4(), 0.5, bad({ train: false })), /^dropout: unknown option 'train' \(did you mean 'training'\?\); accepted: training$/],
  ['ops.bceWithLogits', () => fv.ops.bceWithLogits(fv.zeros([2]), fv.zeros([2]), bad({ reduce: 'sum' })), /^bceWithLogits: unknown option 'reduce' \(did you mean 'reduction'\?\)/],
  ['ops.crossEntropy', () => fv.ops.crossEntropy(fv.zeros([2, 3]), fv.tensor([0, 1], [2], { dtype: 'int32' }), bad({ ignore_index: 0 })), /^crossEntropy: unknown option 'ignore_index' \(did you mean 'ignoreIndex'\?\)/],
  ['attention.softAttend', () => fv.attention.softAttend(fv.zeros([1, 2, 3]), fv.zeros([1, 3]), fv.zeros([3]), fv.zeros([1, 2, 4]), bad({ masks: fv.ones([1, 2]) })), /^softAttend: unknown option 'masks' \(did you mean 'mask'\?\); accepted: bias, mask$/],
  // nn
  ['nn.Linear', () => new fv.nn.Linear(2, 3, bad({ biais: false })), /^Linear: unknown option 'biais' \(did you mean 'bias'\?\); accepted: bias, device$/],
  ['nn.Conv2d', () => new fv.nn.Conv2d(1, 1, 3, bad({ pad: 1 })), /^Conv2d: unknown option 'pad'/],
  ['nn.MaxPool2d', () => new fv.nn.MaxPool2d(bad({ kernelSize: 2 })), /^MaxPool2d: unknown option 'kernelSize' \(did you mean 'kernel'\?\)/],
  ['nn.AvgPool2d', () => new fv.nn.AvgPool2d(bad({ kernel: 2, ceil: true })), /^AvgPool2d: unknown option 'ceil' \(did you mean 'ceilMode'\?\)/],
  ['nn.BatchNorm1d', () => new fv.nn.BatchNorm1d(3, bad({ momentun: 0.5 })), /^BatchNorm1d: unknown option 'momentun' \(did you mean 'momentum'\?\)/],
  ['nn.BatchNorm2d', () => new fv.nn.BatchNorm2d(3, bad({ epsilon: 1e-3 })), /^BatchNorm2d: unknown option 'epsilon'/],
  ['nn.Embedding', () => new fv.nn.Embedding(3, 2, bad({ padding_idx: 0 })), /^Embedding: unknown option 'padding_idx'; accepted: device$/],
  ['nn.LSTMCell', () => new fv.nn.LSTMCell(2, 3, bad({ biases: false })), /^LSTMCell: unknown option 'biases' \(did you mean 'bias'\?\)/],
  // optim
  ['optim.Adam', () => new fv.optim.Adam([w()], bad({ learningRate: 0.5 })), /^Adam: unknown option 'learningRate' \(did you mean 'lr'\?\); accepted: lr, betas, eps, weightDecay$/],
  ['optim.Adam non-object', () => new fv.optim.Adam([w()], bad(0.5 as unknown as object)), /^Adam: options must be an object, expected \{ lr, betas, eps, weightDecay \}, got number 0.5$/],
  ['optim.SGD', () => new fv.optim.SGD([w()], bad({ lr: 0.1, momentun: 0.9 })), /^SGD: unknown option 'momentun' \(did you mean 'momentum'\?\)/],
  ['optim.RMSProp', () => new fv.optim.RMSProp([w()], bad({ weight_decay: 0.1 })), /^RMSProp: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\)/],
  ['optim.clipGradNorm', () => fv.optim.clipGradNorm([w()], 1, bad({ errorIfNonFinite: false })), /^clipGradNorm: unknown option 'errorIfNonFinite' \(did you mean 'errorIfNonfinite'\?\)/],
  ['optim.StepLR', () => new fv.optim.StepLR(new fv.optim.SGD([w()], { lr: 0.1 }), bad({ stepSize: 1, gama: 0.5 })), /^StepLR: unknown option 'gama' \(did you mean 'gamma'\?\)/],
  ['optim.PlateauLR', () => new fv.optim.PlateauLR(new fv.optim.SGD([w()], { lr: 0.1 }), bad({ factor: 0.5, minlr: 1e-5 })), /^PlateauLR: unknown option 'minlr' \(did you mean 'minLr'\?\)/],
  ['optim.ExponentialLR', () => new fv.optim.ExponentialLR(new fv.optim.SGD([w()], { lr: 0.1 }), bad({ gamma: 0.5, step: 1 })), /^ExponentialLR: unknown option 'step'; accepted: gamma$/],
  // data
  ['data.batches', () => fv.data.batches({ images: new Float32Array(4), shape: [4, 1] } as Any, bad({ batchSize: 2, shufle: true })).next(), /^batches: unknown option 'shufle' \(did you mean 'shuffle'\?\)/],
  ['data.clutteredMnist', () => fv.data.clutteredMnist(bad({ split: 'test', distractor: 4 })), /^clutteredMnist: unknown option 'distractor' \(did you mean 'distractors'\?\)/],
  ['data.colourImages', () => fv.data.colourImages(bad({ sise: 16 })), /^colourImages: unknown option 'sise' \(did you mean 'size'\?\)/],
  ['data.fashionMnist', () => fv.data.fashionMnist(bad({ split: 'test', directory: '/x' })), /^fashionMnist: unknown option 'directory'/],
  ['data.twoDigitMnist', () => fv.data.twoDigitMnist(null as Any, bad({ count: 1, sed: 1 })), /^twoDigitMnist: unknown option 'sed' \(did you mean 'seed'\?\)/],
  // models
  ['models.DRAW config', () => new fv.models.DRAW(bad({ ...tinyDraw, tSteps: 10 })), /^DRAW: unknown option 'tSteps' \(did you mean 'T'\?\); accepted: width, height, channels, T, encoderSize, decoderSize, zSize, attention, readN, writeN$/],
  ['models.DRAW options', () => new fv.models.DRAW('mnist', bad({ devise: 'cpu' })), /^DRAW: unknown option 'devise' \(did you mean 'device'\?\)/],
  ['models.DRAW.nllBound', () => new fv.models.DRAW(tinyDraw).nllBound({ images: new Float32Array(16), shape: [1, 4, 4] }, bad({ batch: 1 })), /^DRAW.nllBound: unknown option 'batch'/],
  ['models.checkDrawConfig', () => fv.models.checkDrawConfig('io.load', { ...tinyDraw, zsize: 3 }), /^io.load: unknown option 'zsize' \(did you mean 'zSize'\?\)/],
  ['models.DRAM', () => new fv.models.DRAM(bad({ glimpse: 2 })), /^DRAM: unknown option 'glimpse' \(did you mean 'glimpses'\?\)/],
  ['models.efficientNetLite0', () => fv.models.efficientNetLite0(bad({ weight: 'w.safetensors' })), /^efficientNetLite0: unknown option 'weight' \(did you mean 'weights'\?\); accepted: weights, device$/],
  ['models.DRAM model', () => new fv.models.DRAM(bad({ model: 'conv' })), /^DRAM: model must be 'dram' when given, got "conv"$/],
  ['models.DRAM init', () => new fv.models.DRAM({}, bad({ dev: 'cpu' })), /^DRAM: unknown option 'dev' \(did you mean 'device'\?\); accepted: device$/],
  ['models.ClutteredConvNet', () => new fv.models.ClutteredConvNet(bad({ classes: 10, colour: true })), /^ClutteredConvNet: unknown option 'colour'/],
  ['models.clutteredModel', () => fv.models.clutteredModel({ ...fv.models.DRAM_DEFAULTS, model: 'dram' } as Any, bad({ gpu: true })), /^clutteredModel: unknown option 'gpu'; accepted: device$/],
  ['data.mnist', () => fv.data.mnist(bad({ splt: 'test' })), /^mnist: unknown option 'splt' \(did you mean 'split'\?\); accepted: split$/],
  ['data.mnist().tensors', () => fv.data.mnist('test').tensors(bad({ flaten: true })), /^mnist.tensors: unknown option 'flaten' \(did you mean 'flatten'\?\)/],
  ['models.clutteredModel (a checkpoint config)', () => fv.models.clutteredModel(bad({ model: 'conv', width: 100, height: 100, classes: 10, glimpses: 8 })), /^clutteredModel: unknown option 'glimpses'; accepted: model, width, height, classes$/],
  ['models.mnistMlp', () => fv.models.mnistMlp(bad({ hiddenSize: 8 })), /^mnistMlp: unknown option 'hiddenSize' \(did you mean 'hidden'\?\)/],
  ['models.mnistConvNet', () => fv.models.mnistConvNet(bad({ width: 8 })), /^mnistConvNet: unknown option 'width'; accepted: device$/],
  ['models.bnMnistNet', () => fv.models.bnMnistNet(bad({ layer: 2 })), /^bnMnistNet: unknown option 'layer' \(did you mean 'layers'\?\)/],
  ['models.BNInception', () => new fv.models.BNInception(bad({ numClasses: 10, widthMult: 0.5 })), /^BNInception: unknown option 'widthMult' \(did you mean 'widthMultiplier'\?\)/],
  // io
  ['io.saveCheckpoint', () => fv.io.saveCheckpoint(join(dir, 'a.safetensors'), bad({ model: new fv.nn.Linear(1, 1), step: 0, optimiser: undefined })), /^io.saveCheckpoint: unknown option 'optimiser' \(did you mean 'optimizer'\?\)/],
  ['io.loadCheckpoint', () => fv.io.loadCheckpoint(join(dir, 'a.safetensors'), bad({ model: new fv.nn.Linear(1, 1), restoreRNG: false })), /^io.loadCheckpoint: unknown option 'restoreRNG' \(did you mean 'restoreRng'\?\)/],
  // viz
  ['viz.linePlot', () => fv.viz.linePlot([{ label: 'a', x: [0, 1], y: [1, 2] }], bad({ logy: true })), /^linePlot: unknown option 'logy' \(did you mean 'logY'\?\)/],
  ['viz.writeLinePlot', () => fv.viz.writeLinePlot(join(dir, 'p.svg'), [{ label: 'a', x: [0, 1], y: [1, 2] }], bad({ ylabel: 'y', xlable: 'x' })), /^linePlot: unknown option 'ylabel' \(did you mean 'yLabel'\?\)/],
  ['viz.imageGrid', () => fv.viz.imageGrid(new Float32Array(4), 1, 2, 2, 1, bad({ cols: 2 })), /^imageGrid: unknown option 'cols'/],
  ['viz.encodeGif frames', () => fv.viz.encodeGif(1, 1, fv.viz.grayPalette(), [bad({ indices: new Uint8Array(1), dealy: 5 })]), /^encodeGif: frames\[0\]: unknown option 'dealy' \(did you mean 'delay'\?\)/],
  // autograd
  ['Tensor.backward', () => fv.ops.sum(fv.ones([2], { requiresGrad: true })).backward(undefined, bad({ retain_graph: true })), /^backward: unknown option 'retain_graph' \(did you mean 'retainGraph'\?\)/],
  ['autograd.gradcheck', () => fv.autograd.gradcheck((a) => fv.ops.sum(a), [fv.ones([2])], bad({ tol: 1e-3 })), /^gradcheck: unknown option 'tol'/],
  // train
  ['train.accuracy', () => accuracy(null as Any, null as Any, bad({ batch_size: 10 })), /^accuracy: unknown option 'batch_size' \(did you mean 'batchSize'\?\)/],
  ['train.trainClassifier', () => trainClassifier(bad({ steps: 1, batchsize: 2 })), /^trainClassifier: unknown option 'batchsize' \(did you mean 'batchSize'\?\)/],
  ['train.trainDram', () => trainDram(bad({ steps: 1, learningRate: 0.1 })), /^trainDram: unknown option 'learningRate' \(did you mean 'lr'\?\)/],
  ['train.errorRate', () => errorRate(null as Any, null as Any, bad({ limits: 10 })), /^errorRate: unknown option 'limits' \(did you mean 'limit'\?\)/],
  ['train.trainDraw', () => trainDraw(bad({ steps: 1, evalevery: 2 })), /^trainDraw: unknown option 'evalevery' \(did you mean 'evalEvery'\?\)/],
  ['train.writeDrawPictures', () => writeDrawPictures(null as Any, dir, bad({ sample: 4 })), /^writeDrawPictures: unknown option 'sample' \(did you mean 'samples'\?\)/],
  ['models.pooledPixelEncoder', () => fv.models.pooledPixelEncoder(bad({ size: 8, grids: 2 })), /^pooledPixelEncoder: unknown option 'grids' \(did you mean 'grid'\?\)/],
  ['train.writeGlimpsePictures', () => writeGlimpsePictures(null as Any, null as Any, dir, bad({ counts: 2 })), /^writeGlimpsePictures: unknown option 'counts' \(did you mean 'count'\?\)/],
];

describe('strict options: unknown keys are refused at every entry point', () => {
  it.each(CASES)('%s', (_name, call, message) => {
    expect(() => fv.tidy(() => void call())).toThrow(message);
  });
});

/** The asynchronous entry points (image files): the same check, as a rejection. */
const ASYNC_CASES: [string, () => Promise<unknown>, RegExp][] = [
  ['data.loadImage', () => fv.data.loadImage(join(dir, 'none.png'), bad({ size: 4, channel: 1 })), /^loadImage: unknown option 'channel' \(did you mean 'channels'\?\); accepted: size, channels, background, fit, device, name$/],
  ['data.loadImages', () => fv.data.loadImages([join(dir, 'none.png')], bad({ fitt: 'fill' })), /^loadImages: unknown option 'fitt' \(did you mean 'fit'\?\)/],
  ['data.captions.featureCache', () => fv.data.captions.featureCache(dir, fv.models.pooledPixelEncoder({ size: 8, grid: 2 }), { keys: ['a'], pixels: async () => new Float32Array(192) }, bad({ batchsize: 2 })), /^featureCache: unknown option 'batchsize' \(did you mean 'batchSize'\?\)/],
  ['data.decodeImage', () => fv.data.decodeImage(join(dir, 'none.png'), bad({ nmae: 'x' })), /^decodeImage: unknown option 'nmae' \(did you mean 'name'\?\); accepted: name$/],
];

describe('strict options: unknown keys are refused at the asynchronous entry points', () => {
  it.each(ASYNC_CASES)('%s', async (_name, call, message) => {
    await expect(call()).rejects.toThrow(message);
  });
});

describe('strict options: valid options still work', () => {
  it('Adam trains at the lr it is given', () => {
    const p = fv.zeros([1], { requiresGrad: true });
    const opt = new fv.optim.Adam([p], { lr: 0.5 });
    fv.ops.sum(p).backward();
    opt.step();
    expect(p.item()).toBeCloseTo(-0.5, 5); // Adam's first step has magnitude lr
    p.dispose();
  });

  it('ops, nn and creation take their documented keys', () => {
    fv.tidy(() => {
      expect(fv.ops.sum(fv.ones([2, 3]), 1, { keepdims: true }).shape).toEqual([2, 1]);
      expect(fv.ops.matmul(fv.ones([2, 3]), fv.ones([4, 3]), { transB: true }).shape).toEqual([2, 4]);
      expect(fv.ops.conv2d(fv.ones([1, 1, 4, 4]), fv.ones([1, 1, 3, 3]), { stride: 2, padding: 1 }).shape).toEqual([1, 1, 2, 2]);
      expect(fv.randn([3], { mean: 1, std: 0, device: 'cpu' }).toArray()).toEqual([1, 1, 1]);
      expect(new fv.nn.Linear(2, 3, { bias: false, device: 'cpu' }).bias).toBeUndefined();
      expect(fv.ops.batchNorm(fv.randn([4, 3]), null, null, { training: true, momentum: 0.5, eps: 1e-5 }).shape).toEqual([4, 3]);
      expect(new fv.models.DRAW(tinyDraw, { device: 'cpu' }).config.T).toBe(2);
      const dram = new fv.models.DRAM({ glimpses: 2, readN: 3, lstmSize: 4 });
      expect(new fv.models.DRAM(dram.config).config).toEqual(dram.config); // a config round-trips
      dram.dispose();
    });
  });
});

describe('requiresGrad at creation', () => {
  const makers: [string, () => fv.Tensor][] = [
    ['tensor', () => fv.tensor([1, 2, 3], [3], { requiresGrad: true })],
    ['full', () => fv.full([3], 2, { requiresGrad: true })],
    ['zeros', () => fv.zeros([3], { requiresGrad: true })],
    ['ones', () => fv.ones([3], { requiresGrad: true })],
    ['randn', () => fv.randn([3], { requiresGrad: true })],
    ['rand', () => fv.rand([3], { requiresGrad: true })],
    ['bernoulli', () => fv.bernoulli([3], 0.5, { requiresGrad: true })],
    ['float64 tensor', () => fv.tensor([1, 2, 3], [3], { dtype: 'float64', requiresGrad: true })],
  ];
  it.each(makers)('%s makes a leaf that receives a gradient', (_name, make) => {
    const t = make();
    expect(t.requiresGrad).toBe(true);
    expect(t.node).toBeUndefined();
    fv.tidy(() => fv.ops.sum(fv.ops.mulScalar(t, 3)).backward());
    expect(Array.from(t.grad!.toArray() as ArrayLike<number>)).toEqual([3, 3, 3]);
    t.grad!.dispose();
    t.dispose();
  });

  it('defaults to false, and refuses int32 and non-booleans', () => {
    fv.tidy(() => {
      expect(fv.zeros([2]).requiresGrad).toBe(false);
      expect(fv.zeros([2], { requiresGrad: false }).requiresGrad).toBe(false);
    });
    expect(() => fv.tensor([1, 2], [2], { dtype: 'int32', requiresGrad: true })).toThrow(/^tensor: requiresGrad needs a float dtype, got int32$/);
    expect(() => fv.zeros([2], bad({ requiresGrad: 'yes' }))).toThrow(/^zeros: requiresGrad must be a boolean, got "yes"$/);
  });
});
