// fv.viz: pictures people would rather look at than read — PNG grids, animated
// GIFs of generation sequences with attention boxes, SVG curves.
export { writeFileAtomic } from '../io/atomic.js';
export { encodeGif, grayPalette, writeGif, type GifFrame } from './gif.js';
export { drawRect, imageGrid, labelGrid, toRgb, type GridLabels, type GridOptions } from './grid.js';
export { encodePng, toBytes, writePng, crc32, type Image } from './png.js';
export { linePlot, logTicks, ticks, writeLinePlot, type PlotOptions, type Series } from './plot.js';
export { attentionFigure, attentionGif, attentionMap, attentionPanels, type AttentionPicture } from './attention.js';
export { drawText, textWidth } from './font.js';
