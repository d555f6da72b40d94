// foveate scenes as a Karpathy-format JSON (karpathy.ts reads it back, and so does
// any captioning code written for dataset_flickr8k.json), plus what that format has
// no field for: each image's objects with their boxes ([x, y, w, h] in pixels, COCO's
// order) and each sentence's `mentions` (token spans naming object k), the
// background, and under "foveate" how the set was made (options, held-out pairs,
// the stamps and their descriptions).
import { type ScenesDataset } from './scenes.js';

export interface ScenesJsonOptions {
  /** The file name of image i (default scene-000000.png). */
  filename?: (i: number) => string;
  /** Where the stamps came from, e.g. 'tuxpaint-stamps-default 2022.06.04-1'. */
  source?: string;
}

export const sceneFilename = (i: number, ext = 'png'): string => `scene-${String(i).padStart(6, '0')}.${ext}`;

/** The dataset as a JSON-ready object in Karpathy's format (sentids numbered image by image). */
export function scenesToKarpathy(ds: ScenesDataset, options: ScenesJsonOptions = {}): Record<string, unknown> {
  const filename = options.filename ?? ((i: number) => sceneFilename(i));
  let sentid = 0;
  const images = ds.images.map((im, i) => {
    const sentences = ds.references[i]!.map((raw, j) => ({
      tokens: ds.tokens[i]![j]!,
      raw,
      imgid: i,
      sentid: sentid + j,
      mentions: im.mentions[j]!,
    }));
    const entry = {
      filename: filename(i),
      imgid: i,
      split: im.split,
      sentids: sentences.map((s) => s.sentid),
      sentences,
      objects: im.objects.map((o) => ({ name: o.name, category: o.category, stamp: o.stamp, box: [o.box.x, o.box.y, o.box.w, o.box.h], occluded: o.occluded })),
      background: { kind: im.background.kind, colour: im.background.colour },
      covers: im.covers,
    };
    sentid += sentences.length;
    return entry;
  });
  return {
    dataset: 'foveate-scenes',
    foveate: {
      name: ds.name,
      options: ds.options,
      ...(options.source ? { source: options.source } : {}),
      heldoutPairs: ds.heldoutPairs,
      splits: Object.fromEntries(Object.entries(ds.splits).map(([k, v]) => [k, v.length])),
      stamps: ds.stamps,
      missingStamps: ds.missingStamps,
      boxes: 'objects[k].box is [x, y, width, height] in pixels of the alpha-cropped picture; sentences[j].mentions[m] = { object: k, start, end }: tokens[start..end) name objects[k]; covers[a][b] is the fraction of objects[b] hidden under objects[a]',
    },
    images,
  };
}
