// Every op family. Each family file declares its ops, one OpInfo each (see
// opinfo.ts); the runners in this folder and test/gpu/kernels.test.ts instantiate
// every declaration for every device it lists.
//
// Adding an op takes only its declaration, in its family's `family(…)` list:
//
//   { name: 'softplus',
//     samples: samplesOf('softplus', WIDE),          // native CPU vs src/reference, CUDA vs CPU
//     grad: grad('softplus', fv.ops.softplus),       // gradcheck in float64 (or false: no gradient)
//     errors: [{ name: 'int32 x', call: () => fv.ops.softplus(fv.zeros([2], { dtype: 'int32' })),
//                message: /^softplus: x must be float32 or float64, got int32 \[2\]$/ }] },
//
// A new family is a new file here plus one line below; harness.test.ts checks
// that every family file is listed and every op has samples.
import { attention } from './attention.js';
import { batchnorm } from './batchnorm.js';
import { binary } from './binary.js';
import { conv } from './conv.js';
import { gemm } from './gemm.js';
import { layout } from './layout.js';
import { losses } from './losses.js';
import { lstm } from './lstm.js';
import type { OpFamily } from './opinfo.js';
import { optim } from './optim.js';
import { pool } from './pool.js';
import { reduce } from './reduce.js';
import { softmax } from './softmax.js';
import { unary } from './unary.js';

export const FAMILIES: OpFamily[] = [unary, binary, reduce, softmax, gemm, layout, conv, pool, batchnorm, lstm, losses, attention, optim];
