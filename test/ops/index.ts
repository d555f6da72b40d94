// Every op family. Each family file declares its ops, one OpInfo each (see
// opinfo.ts); the runners instantiate every declaration on every device it lists:
//   native-vs-reference.test.ts  cpu kernels vs src/reference, every sample
//   reference-device.test.ts     float64 tensors vs src/reference
//   gradcheck.test.ts            the op's grad cases (float64)
//   errors.test.ts               the op's bad input and messages
//   ../gpu/kernels.test.ts       cuda vs cpu, every sample (skips, saying why, without a GPU)
//   harness.test.ts              the declarations themselves, and that the runners can fail
//
// Adding an op takes only its declaration, in its family file's list, e.g. in unary.ts:
//
//   {
//     name: 'softplus',
//     samples: samplesOf('softplus', WIDE),      // shapes, SPECIALS; tolerance: the family's
//     grad: grad('softplus', ops.softplus),      // or false: no gradient
//     errors: [err('int32 x', () => ops.softplus(i32([1, 2], [2])), /^softplus: x .*float32.*int32/)],
//   },
//
// (devices default to reference, cpu and cuda.) A new family is a new file here
// plus one line below; harness.test.ts fails until it is listed.
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
import { softAttendFamily } from './soft-attend.js';
import { softmax } from './softmax.js';
import { unary } from './unary.js';

export const FAMILIES: OpFamily[] = [unary, binary, reduce, softmax, gemm, layout, conv, pool, batchnorm, lstm, losses, attention, softAttendFamily, optim];
