// The bad-input audit of issue 17 as one table: entry point, input, the message
// expected now, and what the same input did before these fixes: on main at
// 590d4fe, where the allocation ceiling (item 1) was already in, classified by
// `node --import tsx test/audit/run-audit.ts <package folder> --check`. Each `code`
// runs with `fv` (the library) and `h` (helpers.ts) in scope and must throw; a case
// whose risk is a crash or a hang (allocation sizes, endless loops) runs in a child
// process on the built dist, under FOVEATE_MAX_ALLOC=4G so every machine refuses alike.

/** What a case did before the fix. */
export type Outcome = 'clear' | 'unclear' | 'garbage' | 'crash' | 'hang';

export type Area = 'creation' | 'data' | 'models' | 'nn' | 'autograd' | 'optim' | 'io' | 'viz' | 'cli' | 'threads';

export interface BadInput {
  area: Area;
  /** The entry point the user calls. */
  entry: string;
  /** The bad input, in words. */
  input: string;
  /** JavaScript run with `fv` and `h` in scope; it must throw. May return a Promise. */
  code: string;
  /** The error's message. */
  message: RegExp;
  /** Run in a child process on the built dist (a crash or hang would take the runner down). */
  child?: boolean;
  /** Only where this holds (e.g. no CUDA device for the missing-GPU message). */
  when?: 'no-cuda';
  /** What the audit saw before the fix. */
  before: Outcome;
}

/**
 * Helpers the cases use: a tiny DRAW config, a scratch folder, the CLI (built
 * dist, child process), a gzip bomb. Built by helpers.ts for the test and the
 * child processes alike.
 */
export interface Helpers {
  tiny: Record<string, unknown>;
  tmp(name: string): string;
  /** Writes `text` to tmp(name) and returns the path. */
  write(name: string, text: string): string;
  cli(argv: string[]): void;
  gzipBomb(): Uint8Array;
  post(value: unknown): void;
  /** A small PNG written to the scratch folder. */
  photo: string;
}

const TINY = 'h.tiny';

export const CASES: BadInput[] = [
  // creation
  { area: 'creation', entry: 'fv.tensor', input: "int32 3e9 (past 2³¹)", code: "fv.tensor([3e9], [1], { dtype: 'int32' })", message: /^tensor: int32 data\[0\] = 3000000000 is outside the int32 range/, before: 'garbage' },
  { area: 'creation', entry: 'fv.tensor', input: 'int32 1.5', code: "fv.tensor([1.5], [1], { dtype: 'int32' })", message: /^tensor: int32 data\[0\] = 1.5 is not an integer/, before: 'garbage' },
  { area: 'creation', entry: 'fv.tensor', input: "int32 'a'", code: "fv.tensor(['a'], [1], { dtype: 'int32' })", message: /^tensor: data\[0\] must be a number, got "a"/, before: 'garbage' },
  { area: 'creation', entry: 'fv.tensor', input: 'int32 null', code: "fv.tensor([null], [1], { dtype: 'int32' })", message: /^tensor: data\[0\] must be a number, got null/, before: 'garbage' },
  { area: 'creation', entry: 'fv.tensor', input: "float32 [1, 'a']", code: "fv.tensor([1, 'a'])", message: /^tensor: data\[1\] must be a number, got "a"/, before: 'garbage' },
  { area: 'creation', entry: 'fv.tensor', input: 'int32 from Float32Array [0.5]', code: "fv.tensor(new Float32Array([0.5]), [1], { dtype: 'int32' })", message: /^tensor: int32 data\[0\] = 0.5 is not an integer/, before: 'garbage' },
  { area: 'creation', entry: 'fv.full', input: 'int32 fill 2.5', code: "fv.full([2], 2.5, { dtype: 'int32' })", message: /^full: int32 data\[0\] = 2.5 is not an integer/, before: 'garbage' },
  { area: 'creation', entry: 'fv.tensor', input: "device 'cuda' without a GPU", code: "fv.tensor([1], [1], { device: 'cuda' })", message: /^tensor: CUDA is not available/, when: 'no-cuda', before: 'unclear' },
  { area: 'creation', entry: 'Tensor.item', input: 'after dispose', code: 'const t = fv.zeros([1]); t.dispose(); t.item()', message: /^item: tensor \[1\] was disposed/, before: 'unclear' },
  { area: 'creation', entry: 'fv.randn', input: 'an axis of 2³²', code: 'fv.randn([1, 2 ** 32])', message: /^randn: output shape \[1,4294967296\] needs 17179869184 bytes, and shape\[1\] = 4294967296 is past the largest axis/, before: 'unclear' },
  { area: 'creation', entry: 'fv.randn', input: '[1e6,1e6]', code: 'fv.randn([1e6, 1e6])', message: /^randn: .*4000000000000 bytes/, child: true, before: 'clear' },
  { area: 'creation', entry: 'fv.zeros', input: '[1e6,1e6]', code: 'fv.zeros([1e6, 1e6])', message: /^zeros: .*\[1000000,1000000\]/, child: true, before: 'clear' },
  { area: 'creation', entry: 'fv.tensor', input: "{ requiresGrad: 'yes' }", code: "fv.tensor([1], [1], { requiresGrad: 'yes' })", message: /^tensor: requiresGrad must be a boolean/, before: 'clear' },

  // data
  { area: 'data', entry: 'fv.data.permutation', input: 'n = 2.5', code: 'fv.data.permutation(2.5, 0)', message: /^permutation: n must be a non-negative integer/, before: 'garbage' },
  { area: 'data', entry: 'fv.data.permutation', input: 'n = -1', code: 'fv.data.permutation(-1, 0)', message: /^permutation: n must be a non-negative integer/, before: 'garbage' },
  { area: 'data', entry: 'fv.data.permutation', input: 'seed NaN', code: 'fv.data.permutation(3, NaN)', message: /^permutation: seed must be a finite number/, before: 'garbage' },
  { area: 'data', entry: 'fv.data.batches', input: 'an empty dataset', code: '[...fv.data.batches({ images: new Float32Array(0), shape: [0, 2] }, { batchSize: 4 })]', message: /^batches: dataset is empty/, before: 'garbage' },
  { area: 'data', entry: 'fv.data.batches', input: 'batchSize 10 > 2 examples with dropLast', code: '[...fv.data.batches({ images: new Float32Array(4), shape: [2, 2] }, { batchSize: 10, dropLast: true })]', message: /^batches: batchSize 10 with dropLast leaves no batch: the dataset has 2 examples/, before: 'garbage' },
  { area: 'data', entry: 'fv.data.batches', input: 'batchSize 0', code: '[...fv.data.batches({ images: new Float32Array(4), shape: [2, 2] }, { batchSize: 0 })]', message: /^batches: batchSize must be a positive integer, got 0/, before: 'clear' },
  { area: 'data', entry: 'fv.data.parseIdx', input: 'gzip bomb (IDX header [1,28,28], 64 MB of zeros)', code: "fv.data.parseIdx(h.gzipBomb(), 'bomb.gz', fv.data.IDX_IMAGES)", message: /^readIdx: bomb\.gz: gzip data inflates past the 800 bytes its IDX header declares/, child: true, before: 'unclear' },
  { area: 'data', entry: 'clutteredMnist().batch', input: 'size 1e6 images', code: "fv.data.clutteredMnist({ split: 'test', size: 1e6 }).batch(0, 1)", message: /^clutteredMnist\.batch: cannot allocate 4000000000000 bytes for 1 images of 1000000×1000000/, child: true, before: 'unclear' },
  { area: 'data', entry: 'fv.data.loadImage', input: 'size 1e6', code: "await fv.data.loadImage(h.photo, { size: 1e6 })", message: /^loadImage: size \[1000000, 1000000\] is 1000000000000 pixels, over the 268402689 \(16383²\) one image may have/, before: 'unclear' },
  { area: 'data', entry: 'fv.data.loadImage', input: 'size [20000, 20000]', code: "await fv.data.loadImage(h.photo, { size: [20000, 20000] })", message: /^loadImage: size \[20000, 20000\] is 400000000 pixels/, child: true, before: 'hang' },
  { area: 'data', entry: 'fv.data.mnist', input: "{ splt: 'test' }", code: "fv.data.mnist({ splt: 'test' })", message: /^mnist: unknown option 'splt' \(did you mean 'split'\?\)/, before: 'clear' },

  // models
  { area: 'models', entry: 'fv.models.bnMnistNet', input: '{ layers: -1 }', code: 'fv.models.bnMnistNet({ layers: -1 })', message: /^bnMnistNet: layers must be a non-negative integer, got -1/, before: 'garbage' },
  { area: 'models', entry: 'fv.models.bnMnistNet', input: '{ layers: 1.5 }', code: 'fv.models.bnMnistNet({ layers: 1.5 })', message: /^bnMnistNet: layers must be a non-negative integer, got 1.5/, before: 'garbage' },
  { area: 'models', entry: 'fv.models.bnMnistNet', input: '{ hidden: 0 }', code: 'fv.models.bnMnistNet({ hidden: 0 })', message: /^bnMnistNet: hidden must be a positive integer, got 0/, before: 'unclear' },
  { area: 'models', entry: 'fv.models.mnistMlp', input: '{ hidden: -1 }', code: 'fv.models.mnistMlp({ hidden: -1 })', message: /^mnistMlp: hidden must be a positive integer, got -1/, before: 'unclear' },
  { area: 'models', entry: 'DRAW.loss', input: 'pixel value 5', code: `new fv.models.DRAW(${TINY}).loss(fv.full([1, 8, 8], 5))`, message: /^DRAW\.loss: pixels of x must lie in \[0, 1\].*\[5, 5\]/, before: 'garbage' },
  { area: 'models', entry: 'DRAW.loss', input: 'pixel value -1', code: `new fv.models.DRAW(${TINY}).loss(fv.full([1, 8, 8], -1))`, message: /^DRAW\.loss: pixels of x must lie in \[0, 1\]/, before: 'garbage' },
  { area: 'models', entry: 'fv.ops.bceWithLogits', input: 'target 5', code: 'fv.ops.bceWithLogits(fv.zeros([2]), fv.full([2], 5))', message: /^bceWithLogits: targets must lie in \[0, 1\]/, before: 'garbage' },
  { area: 'models', entry: 'DRAW.nllBound', input: 'empty data', code: `new fv.models.DRAW(${TINY}).nllBound({ images: new Float32Array(0), shape: [0, 8, 8] })`, message: /^DRAW\.nllBound: no images to evaluate \(dataset \[0,8,8\]/, before: 'garbage' },
  { area: 'models', entry: 'DRAW.nllBound', input: '{ limit: 0 }', code: `new fv.models.DRAW(${TINY}).nllBound({ images: new Float32Array(64), shape: [1, 8, 8] }, { limit: 0 })`, message: /^DRAW\.nllBound: no images to evaluate \(dataset \[1,8,8\], limit 0\)/, before: 'garbage' },
  { area: 'models', entry: 'DRAW.nllBound', input: '{ batchSize: 0 }', code: `new fv.models.DRAW(${TINY}).nllBound({ images: new Float32Array(64), shape: [1, 8, 8] }, { batchSize: 0 })`, message: /^DRAW\.nllBound: batchSize must be a positive integer, got 0/, child: true, before: 'hang' },
  { area: 'models', entry: 'DRAW.iwaeBound', input: '{ limit: 1.5 }', code: `new fv.models.DRAW(${TINY}).iwaeBound({ images: new Float32Array(64), shape: [1, 8, 8] }, { limit: 1.5 })`, message: /^DRAW\.iwaeBound: limit must be a non-negative integer, got 1.5/, before: 'garbage' },
  { area: 'models', entry: 'new fv.models.DRAW', input: 'readN 1e5 (weights past the ceiling)', code: `new fv.models.DRAW({ ...${TINY}, readN: 1e5 })`, message: /^DRAW: encoder: weightIh \[16,20000000004\] needs 1280000000256 bytes/, child: true, before: 'unclear' },
  { area: 'models', entry: 'DRAW.generate', input: 'n = 1e9 (states past the ceiling)', code: `new fv.models.DRAW(${TINY}).generate(1e9)`, message: /^DRAW\.generate: output shape \[1000000000,4\] needs 16000000000 bytes, over the allocation ceiling/, child: true, before: 'hang' },
  { area: 'models', entry: 'new fv.models.DRAW', input: '{ width: 0 }', code: `new fv.models.DRAW({ ...${TINY}, width: 0 })`, message: /^DRAW: config\.width must be a positive integer, got 0/, before: 'clear' },

  // nn
  { area: 'nn', entry: 'new nn.Conv2d', input: 'kernel -3', code: 'new fv.nn.Conv2d(1, 1, -3)', message: /^Conv2d: kernelSize must be a positive integer or \[h, w\] of them, got -3/, before: 'unclear' },
  { area: 'nn', entry: 'new nn.Conv2d', input: 'kernel [3]', code: 'new fv.nn.Conv2d(1, 1, [3])', message: /^Conv2d: kernelSize must be a positive integer/, before: 'unclear' },
  { area: 'nn', entry: 'nn.Linear.forward', input: 'a plain array [1,2]', code: 'new fv.nn.Linear(2, 1).forward([1, 2])', message: /^Linear\.forward: x must be a Tensor, got object/, before: 'unclear' },
  { area: 'nn', entry: 'nn.LSTMCell.forward', input: 'state { h } without c', code: 'new fv.nn.LSTMCell(3, 2).forward(fv.zeros([1, 3]), { h: fv.zeros([1, 2]) })', message: /^LSTMCell\.forward: state needs both h and c \(each \[1,2\]\)/, before: 'unclear' },
  { area: 'nn', entry: 'nn.LSTMCell.forward', input: 'h of the wrong size', code: 'new fv.nn.LSTMCell(3, 2).forward(fv.zeros([1, 3]), { h: fv.zeros([1, 5]), c: fv.zeros([1, 2]) })', message: /^LSTMCell\.forward: /, before: 'unclear' },
  { area: 'nn', entry: 'new nn.Linear', input: '1e6 × 1e6', code: 'new fv.nn.Linear(1e6, 1e6)', message: /^Linear: weight \[1000000,1000000\] needs 4000000000000 bytes/, child: true, before: 'unclear' },
  { area: 'nn', entry: 'new nn.Embedding', input: '1e6 × 1e6', code: 'new fv.nn.Embedding(1e6, 1e6)', message: /^Embedding: weight \[1000000,1000000\] needs/, child: true, before: 'unclear' },
  { area: 'nn', entry: 'new nn.LSTMCell', input: '1e5 × 1e5', code: 'new fv.nn.LSTMCell(1e5, 1e5)', message: /^LSTMCell: weightIh \[400000,100000\] needs/, child: true, before: 'unclear' },
  { area: 'nn', entry: 'fv.attention.write', input: 'a 1e5 × 1e5 canvas', code: 'fv.attention.write(fv.zeros([1, 2, 2]), fv.zeros([1, 5]), 1e5, 1e5)', message: /^attention\.write: /, child: true, before: 'unclear' },
  { area: 'nn', entry: 'fv.attention.read', input: 'N = 1e5 on a 1e5-wide image', code: 'fv.attention.read(fv.zeros([1, 2, 1e5]), fv.zeros([1, 5]), 1e5)', message: /^attention\.read: /, child: true, before: 'clear' },
  { area: 'nn', entry: 'fv.attention.filterbank', input: 'A = B = 1e9', code: 'fv.attention.filterbank(fv.zeros([1, 5]), 2, 1e9, 1e9)', message: /^attention\.filterbank: .*bytes/, child: true, before: 'clear' },
  { area: 'nn', entry: 'Module.loadStateDict', input: 'a missing key', code: 'new fv.nn.Linear(2, 1).loadStateDict({ weight: fv.zeros([1, 2]) })', message: /^loadStateDict: missing keys \[bias\], unexpected keys \[\]/, before: 'clear' },
  { area: 'nn', entry: 'Module.loadStateDict', input: 'an unexpected key', code: 'new fv.nn.Linear(2, 1).loadStateDict({ weight: fv.zeros([1, 2]), bias: fv.zeros([1]), extra: fv.zeros([1]) })', message: /^loadStateDict: missing keys \[\], unexpected keys \[extra\]/, before: 'clear' },
  { area: 'nn', entry: 'Module.loadStateDict', input: 'a shape mismatch with { strict: false }', code: 'new fv.nn.Linear(2, 1).loadStateDict({ weight: fv.zeros([2, 2]) }, { strict: false })', message: /^loadStateDict: weight: shape \[2,2\] does not match the model's \[1,2\]/, before: 'clear' },
  { area: 'nn', entry: 'Module.loadStateDict', input: '{ strcit: false }', code: 'new fv.nn.Linear(2, 1).loadStateDict({}, { strcit: false })', message: /^loadStateDict: unknown option 'strcit' \(did you mean 'strict'\?\)/, before: 'unclear' },
  { area: 'nn', entry: 'Module.loadStateDict', input: 'a value that is not a Tensor', code: 'new fv.nn.Linear(2, 1).loadStateDict({ weight: [[1, 2]], bias: fv.zeros([1]) })', message: /^loadStateDict: weight: expected a Tensor, got object/, before: 'unclear' },
  { area: 'nn', entry: 'Module.loadStateDict', input: 'a float64 tensor into float32', code: "new fv.nn.Linear(2, 1).loadStateDict({ weight: fv.zeros([1, 2], { dtype: 'float64' }), bias: fv.zeros([1]) })", message: /^loadStateDict: weight: dtype float64 does not match the model's float32/, before: 'unclear' },

  // autograd and memory
  { area: 'autograd', entry: 'fv.noGrad', input: 'an async function', code: 'fv.noGrad(async () => 1)', message: /^noGrad: fn must be synchronous, got an async function/, before: 'garbage' },
  { area: 'autograd', entry: 'fv.noGrad', input: 'a function returning a Promise', code: 'fv.noGrad(() => Promise.resolve(1))', message: /^noGrad: fn must be synchronous, it returned a Promise/, before: 'garbage' },
  { area: 'autograd', entry: 'fv.tidy', input: 'an async function', code: 'fv.tidy(async () => fv.zeros([2]))', message: /^tidy: fn must be synchronous, got an async function/, before: 'unclear' },
  { area: 'autograd', entry: 'fv.tidy', input: 'a function returning a Promise', code: 'fv.tidy(() => { fv.zeros([2]); return Promise.resolve(1); })', message: /^tidy: fn must be synchronous, it returned a Promise/, before: 'clear' },

  // optimisers
  { area: 'optim', entry: 'SGD.step', input: 'a disposed grad', code: 'const w = fv.zeros([2], { requiresGrad: true }); const o = new fv.optim.SGD([w], { lr: 0.1 }); w.grad = fv.ones([2]); w.grad.dispose(); o.step()', message: /^SGD\.step: params\[0\] \[2\]: its grad was disposed/, before: 'garbage' },
  { area: 'optim', entry: 'Adam.step', input: 'a disposed grad', code: 'const w = fv.zeros([3], { requiresGrad: true }); const o = new fv.optim.Adam([w]); w.grad = fv.ones([3]); w.grad.dispose(); o.step()', message: /^Adam\.step: params\[0\] \[3\]: its grad was disposed/, before: 'garbage' },
  { area: 'optim', entry: 'new Adam', input: '{ learningRate: 0.5 }', code: 'new fv.optim.Adam([fv.zeros([1], { requiresGrad: true })], { learningRate: 0.5 })', message: /^Adam: unknown option 'learningRate' \(did you mean 'lr'\?\)/, before: 'clear' },

  // io
  { area: 'io', entry: 'fv.io.load', input: 'not a safetensors file', code: "fv.io.load(h.write('bad.safetensors', 'hello'))", message: /^io\.load: .*bad\.safetensors: file is 5 bytes, too short for the 8-byte header length/, before: 'clear' },

  // viz
  { area: 'viz', entry: 'fv.viz.linePlot', input: 'no series', code: 'fv.viz.linePlot([])', message: /^linePlot: needs at least one series/, before: 'clear' },
  { area: 'viz', entry: 'fv.viz.linePlot', input: 'x and y of different lengths', code: "fv.viz.linePlot([{ label: 'a', x: [1, 2], y: [1] }])", message: /^linePlot: series 0 \(a\) has 2 x values and 1 y values/, before: 'clear' },

  // CLI (the built dist, in a child process)
  { area: 'cli', entry: 'foveate train mnist', input: '--batch-size 100000', code: "h.cli(['train', 'mnist', '--batch-size', '100000', '--steps', '1', '--out', h.tmp('run-mnist')])", message: /train mnist: --batch-size 100000 is larger than the 60000 training images/, child: true, before: 'garbage' },
  { area: 'cli', entry: 'foveate train mnist', input: '--batch-size 0', code: "h.cli(['train', 'mnist', '--batch-size', '0', '--steps', '1', '--out', h.tmp('run-mnist0')])", message: /train mnist: --batch-size must be an integer ≥ 1, got 0/, child: true, before: 'unclear' },
  { area: 'cli', entry: 'foveate train bn-mnist', input: '--batch-size 100000', code: "h.cli(['train', 'bn-mnist', '--batch-size', '100000', '--steps', '1', '--out', h.tmp('run-bn')])", message: /train bn-mnist: --batch-size 100000 is larger than the 60000 training images/, child: true, before: 'garbage' },

  // threads
  { area: 'threads', entry: 'port.postMessage', input: 'a tensor', code: 'h.post(fv.zeros([2]))', message: /could not be cloned|foveate Tensor: a tensor cannot be sent with postMessage/, before: 'garbage' },
  { area: 'threads', entry: 'structuredClone', input: 'a tensor inside an object', code: 'structuredClone({ x: fv.zeros([2]) })', message: /foveate Tensor: a tensor cannot be sent with postMessage or structuredClone/, before: 'garbage' },
];
