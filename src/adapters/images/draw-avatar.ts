import type { Emotion } from '../../domain/emotions.js';
import { fillShape, rgbOf, type Rgb } from './canvas.js';
import { createImage, encodePng } from './png-encoder.js';

/** Discord shows avatars at up to 128 px; 256 keeps them sharp on high-density screens. */
const AVATAR_SIZE = 256;

const INK: Rgb = [34, 30, 46];
const HEART: Rgb = [196, 24, 80];

type Shape = (x: number, y: number) => boolean;

const circle = (cx: number, cy: number, r: number): Shape => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ellipse = (cx: number, cy: number, rx: number, ry: number): Shape => (x, y) =>
  ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
/** A band along y = cy - bend * ((x - cx) / halfWidth)^2: ends up (a smile) for bend > 0, down (a frown) for bend < 0. */
const arc = (cx: number, cy: number, halfWidth: number, bend: number, thickness: number): Shape => (x, y) => {
  const t = (x - cx) / halfWidth;
  return Math.abs(t) <= 1 && Math.abs(y - (cy - bend * t * t)) <= thickness / 2;
};
const tilted = (cx: number, cy: number, length: number, slope: number, thickness: number): Shape => (x, y) =>
  Math.abs(x - cx) <= length / 2 && Math.abs(y - (cy + slope * (x - cx))) <= thickness / 2;

/** Each face: what the mouth, eyes and brows do, in a 256-px square. */
const FACES: Record<Emotion, Shape[]> = {
  joy: [arc(128, 170, 52, 30, 14), circle(96, 104, 12), circle(160, 104, 12)],
  sadness: [arc(128, 166, 44, -20, 12), circle(96, 112, 11), circle(160, 112, 11), tilted(94, 84, 40, -0.35, 8), tilted(162, 84, 40, 0.35, 8)],
  love: [arc(128, 168, 40, 22, 12), ...heart(96, 106), ...heart(160, 106)],
  anger: [arc(128, 172, 40, -14, 12), circle(98, 116, 11), circle(158, 116, 11), tilted(96, 88, 46, 0.45, 10), tilted(160, 88, 46, -0.45, 10)],
  fear: [ellipse(128, 176, 22, 28), circle(96, 108, 17), circle(160, 108, 17), tilted(96, 76, 40, -0.3, 8), tilted(160, 76, 40, 0.3, 8)],
  surprise: [ellipse(128, 172, 20, 26), circle(96, 104, 16), circle(160, 104, 16), arc(96, 76, 22, -8, 7), arc(160, 76, 22, -8, 7)],
};

function heart(cx: number, cy: number): Shape[] {
  const lobe = 9;
  return [circle(cx - lobe, cy - 4, lobe + 1), circle(cx + lobe, cy - 4, lobe + 1), (x, y) => y >= cy - 4 && Math.abs(x - cx) <= (cy + 18 - y) * 1.05];
}

/** A round face in the persona's colour with that emotion's expression, as PNG bytes. */
export function drawAvatar(emotion: Emotion, color: number): Buffer {
  const image = createImage(AVATAR_SIZE, AVATAR_SIZE);
  const half = AVATAR_SIZE / 2;
  fillShape(image, rgbOf(color), circle(half, half, half - 2));
  const [mouth, ...eyes] = FACES[emotion];
  fillShape(image, INK, mouth!);
  for (const feature of eyes) fillShape(image, emotion === 'love' ? HEART : INK, feature);
  return encodePng(image);
}
