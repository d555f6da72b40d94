// `foveate caption --checkpoint F --image IMG [--beam 3] [--out DIR]`: the caption a
// trained captioner gives an image file, and where it looked (Show, Attend and Tell,
// Figs 2, 3, 5): DIR/attention.png (the image, then each word over its α_t upsampled
// and blurred) and DIR/attention.gif (the same, one frame per word).
import { intOption, parseCommand } from './common/args.js';
import { captionerRunInfo, openEncoder } from './common/captioner.js';
import { fail } from '../errors.js';
import { loadImage } from '../data/image.js';
import { encodeAnnotations } from '../data/captions/feature-cache.js';
import { tensor } from '../creation.js';
import { captionerFromCheckpoint } from '../models/captioner/index.js';
import { captionText } from '../train/caption-data.js';
import { RunFolder } from '../train/run-folder.js';
import { attentionFigure, attentionGif } from '../viz/attention.js';
import { writePng } from '../viz/png.js';
import { writeFileAtomic } from '../io/atomic.js';

export async function captionCommand(argv: string[]): Promise<void> {
  const cmd = 'caption';
  const values = parseCommand(cmd, 'the caption of an image and where the model looked (attention.png, attention.gif)', argv, {
    checkpoint: { type: 'string', help: "a checkpoint of 'foveate train captioner', required" },
    image: { type: 'string', help: 'an image file (JPEG, PNG, …), required; resized and centre-cropped to the encoder\'s size' },
    beam: { type: 'string', default: '3', help: 'beam width' },
    'max-length': { type: 'string', default: '20', help: 'the most words' },
    out: { type: 'string', default: 'runs/caption', help: 'folder for attention.png and attention.gif' },
  });
  if (!values) return;
  if (!values.checkpoint || !values.image) fail(cmd, '--checkpoint and --image are required');
  const beam = intOption(cmd, 'beam', values.beam, 1);
  const maxLength = intOption(cmd, 'max-length', values['max-length'], 1);
  const info = captionerRunInfo(cmd, values.checkpoint);
  const encoder = openEncoder(cmd, info.encoder);
  // Any image file is brought to the encoder's input: RGB (gray repeated, alpha on white), size × size.
  const x = await loadImage(values.image, { size: encoder.size, channels: 3 });
  const pixels = x.toFloat32Array();
  x.dispose();
  const enc = encodeAnnotations(cmd, encoder, [pixels]);
  const [C, h, w] = enc.map;
  if (C !== info.config.annotationSize) fail(cmd, `${values.checkpoint} reads annotations of ${info.config.annotationSize} channels, the encoder ${info.encoder} gives ${C}`);
  const { model } = captionerFromCheckpoint(values.checkpoint);
  try {
    model.eval();
    const a = tensor(enc.data, [1, h * w, C]);
    const [cap] = model.beamSearch(a, { beam, maxLength });
    a.dispose();
    const text = captionText(model, cap!);
    console.log(text === '' ? '(an empty caption: <eos> was the likeliest first word)' : text);
    if (cap!.alphas.length === 0) {
      console.log(`no attention pictures: the model has ${info.config.attention === 'none' ? 'no attention (mean-pooled)' : 'no steps'}`);
      return;
    }
    const words = [...(cap!.words ?? []), ...(cap!.ended ? ['<eos>'] : [])];
    const picture = { image: pixels, height: encoder.size, width: encoder.size, grid: [h, w] as const, words, alphas: cap!.alphas };
    const run = new RunFolder(values.out);
    writePng(run.path('attention.png'), attentionFigure(picture));
    writeFileAtomic(run.path('attention.gif'), attentionGif(picture));
    console.log(`where it looked: ${run.path('attention.png')}, ${run.path('attention.gif')}`);
  } finally {
    model.dispose();
  }
}
