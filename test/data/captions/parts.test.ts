// The small parts under the caption datasets, on hand-made inputs: spatial relations
// of boxes, the stamp descriptions' noun phrases, articles, the clip-art metadata
// cleaning, and the resize/composite of premultiplied RGBA.
import { describe, expect, it } from 'vitest';
import * as fv from '../../../src/index.js';
import { above, leftOf, near, nextTo, region } from '../../../src/data/captions/relations.js';
import { alphaBox, compositeOver, resize } from '../../../src/data/captions/raster.js';
import { cleanDescription, cleanTitle, clipartCaption, svgMetadata } from '../../../src/data/captions/clipart-text.js';

const { nounPhrase, englishLine, article } = fv.data.captions;
const box = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });

describe('captions: spatial relations of boxes', () => {
  it('left of and above need the boxes apart along the axis and that axis to dominate', () => {
    const a = box(0, 40, 30, 30);
    expect(leftOf(a, box(50, 40, 30, 30))).toBe(true);
    expect(leftOf(box(50, 40, 30, 30), a)).toBe(false);
    expect(leftOf(a, box(25, 40, 30, 30))).toBe(true); // overlapping by 5 of 30: still apart
    expect(leftOf(a, box(15, 40, 30, 30))).toBe(false); // overlapping by half
    expect(leftOf(a, box(40, 140, 30, 30))).toBe(false); // mostly below
    expect(above(box(40, 0, 30, 30), box(40, 50, 30, 30))).toBe(true);
    expect(above(box(40, 50, 30, 30), box(40, 0, 30, 30))).toBe(false);
    expect(above(box(0, 0, 30, 30), box(100, 40, 30, 30))).toBe(false); // mostly across
  });

  it('next to needs side by side and close; near is any direction within 8% of the canvas', () => {
    expect(nextTo(box(0, 40, 30, 30), box(40, 50, 30, 30), 200)).toBe(true);
    expect(nextTo(box(0, 40, 30, 30), box(40, 65, 30, 30), 200)).toBe(false); // too little vertical overlap
    expect(nextTo(box(0, 40, 30, 30), box(150, 40, 30, 30), 200)).toBe(false); // too far
    expect(near(box(0, 0, 30, 30), box(40, 40, 30, 30), 200)).toBe(true);
    expect(near(box(0, 0, 30, 30), box(60, 60, 30, 30), 200)).toBe(false);
  });

  it('places a box by the third of the canvas its centre is in', () => {
    expect(region(box(0, 0, 20, 20), 90)).toEqual(['left', 'top']);
    expect(region(box(35, 35, 20, 20), 90)).toEqual(['centre', 'middle']);
    expect(region(box(70, 30, 20, 20), 90)).toEqual(['right', 'middle']);
    expect(region(box(30, 70, 30, 20), 90)).toEqual(['centre', 'bottom']);
  });
});

describe('captions: words', () => {
  it('takes the English line of a stamp description and makes it a short noun phrase', () => {
    expect(englishLine('A goat.\nach.utf8=Dyel.\naf.utf8=\'n Boerbok.\n')).toBe('A goat.');
    expect(englishLine('\n  \nfr.utf8=Une chèvre\nA goat.')).toBe('A goat.');
    expect(nounPhrase('A bunch of grapes.')).toBe('bunch of grapes');
    expect(nounPhrase('A Seville orange, also called a bitter orange.')).toBe('seville orange');
    expect(nounPhrase('An albino peahen (a female peafowl, or peacock).')).toBe('albino peahen');
    expect(nounPhrase('A “Granny Smith” apple.')).toBe('granny smith apple');
    expect(nounPhrase("A ginger 'root'.")).toBe('ginger root');
    expect(nounPhrase('A plumber’s wrench.')).toBe("plumber's wrench");
    expect(nounPhrase('Mercury—the planet closest to the Sun.')).toBe('mercury');
    expect(nounPhrase('A wheelie bin! Give me your trash!')).toBe('wheelie bin');
    expect(nounPhrase('The full moon.')).toBe('full moon');
  });

  it('chooses a or an by sound', () => {
    expect(article('orange')).toBe('an');
    expect(article('goat')).toBe('a');
    expect(article('uk post box')).toBe('a');
    expect(article('european bear')).toBe('a');
    expect(article('iguana')).toBe('an');
  });

  it("reads an SVG's own title and description, not its author's, and keeps only descriptive English", () => {
    const svg = `<svg><metadata><rdf:RDF><cc:Work rdf:about=""><dc:title>Rubber Duck (Open Bill)</dc:title>
      <dc:description>A yellow rubber duck with its bill open &amp; smiling</dc:description>
      <dc:creator><cc:Agent><dc:title>Gerald G.</dc:title></cc:Agent></dc:creator></cc:Work></rdf:RDF></metadata></svg>`;
    expect(svgMetadata(svg)).toEqual({ title: 'Rubber Duck (Open Bill)', description: 'A yellow rubber duck with its bill open & smiling' });
    expect(svgMetadata('<svg/>')).toEqual({ title: '', description: '' });
    expect(cleanTitle('Rubber Duck (Open Bill)')).toBe('Rubber Duck');
    expect(cleanTitle('Clipart by Nicu Buculei - jigsaw_red_10')).toBe('jigsaw red');
    expect(cleanTitle('PointingHand2')).toBe('Pointing Hand');
    expect(cleanTitle('magnifying glass 4')).toBe('magnifying glass');
    for (const junk of ['gramastar', 'Lemon SVG theme', 'Part of the Flat Icon Collection (Wed Aug 25 23:29:46 2004)', 'Cavallo', 'Tigre05', 'ralf@ark.in-berlin.de', '']) expect(cleanTitle(junk), junk).toBe('');
    expect(cleanDescription('A yellow rubber duck with its bill open', 'Rubber Duck')).toBe('A yellow rubber duck with its bill open');
    expect(cleanDescription('Crawfish', 'Lobster')).toBe('Crawfish');
    for (const junk of ['Rubber duck', 'Created with Inkscape', 'contact: someone@example.org', 'HASH(0x856da84)', 'gerenciador de aquivos', 'http://www.wikitronics.org']) expect(cleanDescription(junk, 'Rubber Duck'), junk).toBe('');
  });

  it('makes a kept title or description a caption: lower-case words, no numbers, file names or stray letters', () => {
    expect(clipartCaption('Rubber Duck')).toBe('rubber duck');
    expect(clipartCaption('BlueMan_3 (v2)')).toBe('blue man');
    expect(clipartCaption('LEDRounded H')).toBe('led rounded');
    expect(clipartCaption('Dog 01 Drawn With Straight Lines')).toBe('dog drawn with straight lines');
    expect(clipartCaption('Radio/Wireless Tower')).toBe('radio wireless tower');
    expect(clipartCaption('arrow-left-green #4')).toBe('arrow left green');
    expect(clipartCaption('2 dead frogs... nothing more...')).toBe('dead frogs nothing more');
    expect(clipartCaption('logo.png, a 3D cube :-)')).toBe('a cube');
    expect(clipartCaption('I saw EStrella')).toBe('i saw estrella');
    for (const none of ['', '42', 'x 3', 'my_file.svg', 'svg eps']) expect(clipartCaption(none), none).toBe('');
  });
});

describe('captions: raster', () => {
  const solid = (w: number, h: number, rgb: number[], a: number) => ({ width: w, height: h, data: Float32Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? a : rgb[i % 4]! * a)) });

  it('resizes premultiplied RGBA without bleeding transparent colour, and keeps a flat picture flat', () => {
    const flat = resize(solid(37, 23, [0.2, 0.4, 0.6], 1), 11, 7);
    expect(flat.width * flat.height).toBe(77);
    for (let i = 0; i < flat.data.length; i++) expect(flat.data[i]).toBeCloseTo([0.2, 0.4, 0.6, 1][i % 4]!, 5);
    const up = resize(solid(3, 3, [1, 0, 0], 0.5), 9, 9);
    for (let i = 0; i < up.data.length; i += 4) expect(up.data[i]! / up.data[i + 3]!).toBeCloseTo(1, 5);
    // Half opaque red, half transparent green: premultiplied, the green has weight 0, so
    // every output pixel is red at some opacity (straight colour 1, 0, 0), none greenish.
    const img = solid(4, 1, [1, 0, 0], 1);
    img.data.set(solid(2, 1, [0, 1, 0], 0).data, 8);
    const r = resize(img, 2, 1);
    for (let i = 0; i < 8; i += 4) {
      expect(r.data[i]).toBeCloseTo(r.data[i + 3]!, 6);
      expect(r.data[i + 1]).toBe(0);
    }
    expect(r.data[3]).toBeGreaterThan(r.data[7]!);
  });

  it('composites over planar RGB and crops to the alpha box', () => {
    const dst = new Float32Array(3 * 4 * 4).fill(1);
    compositeOver(dst, 4, solid(2, 2, [0, 0, 0], 0.5), 3, 3); // clipped at the corner
    expect(dst[15]).toBeCloseTo(0.5, 6);
    expect(dst[14]).toBe(1);
    const img = solid(5, 5, [1, 1, 1], 0);
    img.data[4 * (2 * 5 + 3) + 3] = 1;
    expect(alphaBox(img)).toEqual({ x: 3, y: 2, w: 1, h: 1 });
    expect(alphaBox(solid(2, 2, [0, 0, 0], 0))).toBeUndefined();
  });
});
