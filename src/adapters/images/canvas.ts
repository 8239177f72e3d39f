import type { RgbaImage } from './png-encoder.js';

export type Rgb = readonly [number, number, number];

export function rgbOf(color: number): Rgb {
  return [(color >> 16) & 0xff, (color >> 8) & 0xff, color & 0xff];
}

/** Blends a colour into one pixel with the given coverage (0..1), for soft edges. */
function blend(image: RgbaImage, x: number, y: number, [r, g, b]: Rgb, coverage: number): void {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height || coverage <= 0) return;
  const i = (y * image.width + x) * 4;
  const a = Math.min(1, coverage);
  const p = image.pixels;
  const baseAlpha = p[i + 3]! / 255;
  const outAlpha = a + baseAlpha * (1 - a);
  for (const [offset, value] of [r, g, b].entries()) {
    p[i + offset] = Math.round((value * a + p[i + offset]! * baseAlpha * (1 - a)) / (outAlpha || 1));
  }
  p[i + 3] = Math.round(outAlpha * 255);
}

/** Fills every pixel whose centre is inside `inside`, with 4x4 supersampling for smooth edges. */
export function fillShape(image: RgbaImage, color: Rgb, inside: (x: number, y: number) => boolean): void {
  const samples = 4;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) if (inside(x + (sx + 0.5) / samples, y + (sy + 0.5) / samples)) hits++;
      }
      if (hits) blend(image, x, y, color, hits / (samples * samples));
    }
  }
}

export function fillRect(image: RgbaImage, color: Rgb, x0: number, y0: number, x1: number, y1: number): void {
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(image.height, Math.ceil(y1)); y++) {
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(image.width, Math.ceil(x1)); x++) blend(image, x, y, color, 1);
  }
}
