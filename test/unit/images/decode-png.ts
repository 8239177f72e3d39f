import { inflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** 0xRRGGBB at (x, y); alpha is ignored because the renderers paint an opaque background. */
  readonly rgbAt: (x: number, y: number) => number;
}

/** Decodes the PNGs our encoder writes: 8-bit RGBA, no interlace, filter 0 on every row. Throws on anything else. */
export function decodePng(png: Buffer): DecodedPng {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG signature');
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 6 || data[12] !== 0) throw new Error('expected 8-bit RGBA, not interlaced');
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4 + 1;
  if (raw.length !== stride * height) throw new Error(`IDAT holds ${raw.length} bytes, expected ${stride * height}`);
  for (let y = 0; y < height; y++) if (raw[y * stride] !== 0) throw new Error(`row ${y} uses filter ${raw[y * stride]}`);
  const rgbAt = (x: number, y: number): number => {
    const i = y * stride + 1 + x * 4;
    return (raw[i]! << 16) | (raw[i + 1]! << 8) | raw[i + 2]!;
  };
  return { width, height, rgbAt };
}

/** IHDR's width and height, read straight from the header bytes. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The longest horizontal run of exactly `color`, and the row it is on. */
export function longestRun(image: DecodedPng, color: number): { length: number; y: number; x: number } {
  let best = { length: 0, y: -1, x: -1 };
  for (let y = 0; y < image.height; y++) {
    let run = 0;
    for (let x = 0; x < image.width; x++) {
      run = image.rgbAt(x, y) === color ? run + 1 : 0;
      if (run > best.length) best = { length: run, y, x: x - run + 1 };
    }
  }
  return best;
}

export function countPixels(image: DecodedPng, match: (rgb: number) => boolean, x0 = 0, y0 = 0, x1 = image.width, y1 = image.height): number {
  let count = 0;
  for (let y = Math.max(0, y0); y < Math.min(image.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(image.width, x1); x++) if (match(image.rgbAt(x, y))) count++;
  }
  return count;
}

/** Perceived brightness 0..255 (Rec. 601 weights). */
export function luma(rgb: number): number {
  return 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
}
