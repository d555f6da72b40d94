// fv.attention: DRAW's differentiable Gaussian attention (PAPERS.md §1) and
// Show, Attend and Tell's soft attention (PAPERS.md §3).
export { filterbank, type Filterbank } from './filterbank.js';
export { read, readComposite } from './read.js';
export { write, writeComposite } from './write.js';
export { softAttend, softAttendComposite, type SoftAttendOptions, type SoftAttention } from './soft-attend.js';
