import { GLYPH_HEIGHT, GLYPH_SPACING, GLYPH_WIDTH, glyphRows } from './bitmap-font.js';
import { fillRect, rgbOf } from './canvas.js';
import type { RgbaImage } from './png-encoder.js';

export interface TextOptions {
  /** 0xRRGGBB. Defaults to white. */
  readonly color?: number;
  /** Each font pixel becomes a scale x scale square; rounded down to a whole number. Defaults to 1. */
  readonly scale?: number;
  /** Draws every stroke twice, one pixel apart, for emphasis. Defaults to false. */
  readonly bold?: boolean;
}

export const DefaultTextOptions = { color: 0xff_ff_ff, scale: 1, bold: false } as const satisfies TextOptions;

export interface TextSize {
  readonly width: number;
  readonly height: number;
}

/** The box the text covers: no spacing after the last glyph; the height includes the descender rows. */
export function measureText(text: string, options: TextOptions = {}): TextSize {
  const { scale, bold } = resolve(options);
  const count = [...text].length;
  if (count === 0) return { width: 0, height: 0 };
  const width = (count * (GLYPH_WIDTH + GLYPH_SPACING) - GLYPH_SPACING) * scale + (bold ? 1 : 0);
  return { width, height: GLYPH_HEIGHT * scale };
}

/** Draws one line of text with its top-left corner at (x, y); the cap height is 7 * scale. */
export function drawText(image: RgbaImage, text: string, x: number, y: number, options: TextOptions = {}): void {
  const { color, scale, bold } = resolve(options);
  const rgb = rgbOf(color);
  const advance = (GLYPH_WIDTH + GLYPH_SPACING) * scale;
  [...text].forEach((char, index) => {
    const left = Math.round(x) + index * advance;
    glyphRows(char).forEach((bits, row) => {
      for (let column = 0; column < GLYPH_WIDTH; column++) {
        if (!(bits & (1 << (GLYPH_WIDTH - 1 - column)))) continue;
        const px = left + column * scale;
        const py = Math.round(y) + row * scale;
        fillRect(image, rgb, px, py, px + scale + (bold ? 1 : 0), py + scale);
      }
    });
  });
}

function resolve(options: TextOptions): Required<TextOptions> {
  const merged = { ...DefaultTextOptions, ...options };
  return { ...merged, scale: Math.max(1, Math.floor(merged.scale)) };
}
