import { describe, expect, it } from 'vitest';
import { FONT_CHARACTERS, GLYPH_HEIGHT, glyphRows, hasGlyph } from '../../../src/adapters/images/bitmap-font.js';
import { drawText, measureText } from '../../../src/adapters/images/draw-text.js';
import { createImage, type RgbaImage } from '../../../src/adapters/images/png-encoder.js';

/** The box around every painted pixel, or undefined when nothing was painted. */
function inkBox(image: RgbaImage): { x0: number; y0: number; x1: number; y1: number } | undefined {
  let box: { x0: number; y0: number; x1: number; y1: number } | undefined;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.pixels[(y * image.width + x) * 4 + 3] === 0) continue;
      box = box
        ? { x0: Math.min(box.x0, x), y0: Math.min(box.y0, y), x1: Math.max(box.x1, x + 1), y1: Math.max(box.y1, y + 1) }
        : { x0: x, y0: y, x1: x + 1, y1: y + 1 };
    }
  }
  return box;
}

function render(text: string, scale = 1): RgbaImage {
  const image = createImage(200, 40);
  drawText(image, text, 3, 2, { scale, color: 0xff_00_00 });
  return image;
}

describe('bitmap font', () => {
  it('covers letters, digits, space and the punctuation the charts print', () => {
    const required = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,%:-()/'!?";
    expect([...required].filter((char) => !hasGlyph(char))).toEqual([]);
  });

  it('gives every character its own shape, so no two read the same', () => {
    const shapes = FONT_CHARACTERS.map((char) => glyphRows(char).join(','));
    expect(new Set(shapes).size).toBe(FONT_CHARACTERS.length);
  });

  it('only descenders and the comma reach below the baseline', () => {
    const below = FONT_CHARACTERS.filter((char) => glyphRows(char).slice(7).some((row) => row !== 0));
    expect(below.sort()).toEqual([',', 'g', 'j', 'p', 'q', 'y'].sort());
    expect(glyphRows('g')).toHaveLength(GLYPH_HEIGHT);
  });
});

describe('drawText', () => {
  it('paints pixels in the text colour, inside the box measureText reports', () => {
    const image = render('Hello, World');
    const box = inkBox(image)!;
    const size = measureText('Hello, World');
    expect(box.x0).toBe(3);
    expect(box.x1 - box.x0).toBe(size.width);
    expect(box.y1 - box.y0).toBeLessThanOrEqual(size.height);
    expect([...image.pixels.subarray((box.y0 * 200 + box.x0) * 4, (box.y0 * 200 + box.x0) * 4 + 4)]).toEqual([255, 0, 0, 255]);
  });

  it('at scale 3 the same text is three times as wide and as tall', () => {
    const small = inkBox(render('Joy 62%', 1))!;
    const large = inkBox(render('Joy 62%', 3))!;
    expect(large.x1 - large.x0).toBe(3 * (small.x1 - small.x0));
    expect(large.y1 - large.y0).toBe(3 * (small.y1 - small.y0));
    expect(measureText('Joy 62%', { scale: 3 })).toEqual({ width: 3 * measureText('Joy 62%').width, height: 27 });
  });

  it('a character outside the font draws as a visible box, the same for every unknown character', () => {
    const unknown = render('é');
    expect(inkBox(unknown)).toEqual({ x0: 3, y0: 2, x1: 8, y1: 9 });
    expect(render('~').pixels).toEqual(unknown.pixels);
  });

  it('a space draws nothing but still moves the next character along', () => {
    expect(inkBox(render('   '))).toBeUndefined();
    expect(inkBox(render(' A'))!.x0).toBe(inkBox(render('A'))!.x0 + 6);
  });

  it('empty text measures zero', () => {
    expect(measureText('')).toEqual({ width: 0, height: 0 });
  });
});
