// fv.attention: DRAW's differentiable Gaussian attention (PAPERS.md §1).
export { filterbank, type Filterbank } from './filterbank.js';
export { read } from './read.js';
export { write } from './write.js';
