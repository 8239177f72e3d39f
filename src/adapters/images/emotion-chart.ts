import { emotionLabel, EMOTIONS, rankEmotions, type Emotion, type EmotionScores } from '../../domain/emotions.js';
import { wholePercents } from '../../domain/whole-percents.js';
import { fillRect, rgbOf } from './canvas.js';
import { drawText, measureText } from './draw-text.js';
import { createImage, encodePng, type RgbaImage } from './png-encoder.js';

export interface EmotionChartOptions {
  /** A line drawn above the bars, clipped at the right edge (about 48 characters fit). Defaults to none. */
  readonly title?: string;
}

/** Wide enough for an embed image on desktop, small enough to stay crisp when Discord scales it for mobile. */
const WIDTH = 600;
const HEIGHT = 300;
/** Discord's dark-theme message background, so the chart blends into the channel. */
const BACKGROUND = 0x2b_2d_31;
/** An empty track behind each bar, a shade lighter than the background, shows where 100% would end. */
const TRACK = 0x38_3a_40;
const LABEL = 0xb5_ba_c1;
const STRONG = 0xff_ff_ff;
const MARGIN = 16;
/** Scale 2 turns the 5x7 font into 10x14 letters, legible once Discord shrinks the image. */
const TEXT_SCALE = 2;
const TITLE_HEIGHT = 32;
const LABEL_GAP = 16;
/** Room after the longest bar for "100%". */
const VALUE_WIDTH = measureText('100%', { scale: TEXT_SCALE }).width + LABEL_GAP;
const BAR_HEIGHT = 24;
/** The ring around the strongest emotion's bar: its width and its gap from the bar. */
const RING_WIDTH = 2;
const RING_GAP = 2;
/** The font's cap height, 7 rows, is what reads as the text's vertical extent. */
const CAP_ROWS = 7;


/**
 * A horizontal bar per emotion in its persona's colour, the strongest ringed in white, as PNG bytes.
 * Each bar is printed with the /feel card's whole percent (wholePercents), so the six add up to 100.
 */
export function renderEmotionChart(scores: EmotionScores, colors: Record<Emotion, number>, options: EmotionChartOptions = {}): Buffer {
  const image = createImage(WIDTH, HEIGHT);
  fillRect(image, rgbOf(BACKGROUND), 0, 0, WIDTH, HEIGHT);
  const top = options.title ? MARGIN + TITLE_HEIGHT : MARGIN;
  if (options.title) drawText(image, options.title, MARGIN, MARGIN, { color: STRONG, scale: TEXT_SCALE, bold: true });

  const labelWidth = Math.max(...EMOTIONS.map((emotion) => measureText(emotionLabel(emotion), { scale: TEXT_SCALE, bold: true }).width));
  const barLeft = MARGIN + labelWidth + LABEL_GAP;
  const trackLength = WIDTH - MARGIN - VALUE_WIDTH - barLeft;
  const rowHeight = (HEIGHT - MARGIN - top) / EMOTIONS.length;
  const strongest = rankEmotions(scores)[0];
  const textOffset = (BAR_HEIGHT - CAP_ROWS * TEXT_SCALE) / 2;
  const percents = wholePercents(scores);

  EMOTIONS.forEach((emotion, index) => {
    const barTop = Math.round(top + index * rowHeight + (rowHeight - BAR_HEIGHT) / 2);
    const share = clamp01(scores[emotion]);
    const length = Math.round(share * trackLength);
    const isStrongest = emotion === strongest;
    const text = { color: isStrongest ? STRONG : LABEL, scale: TEXT_SCALE, bold: isStrongest };

    drawText(image, emotionLabel(emotion), MARGIN, barTop + textOffset, text);
    fillRect(image, rgbOf(TRACK), barLeft, barTop, barLeft + trackLength, barTop + BAR_HEIGHT);
    if (isStrongest) ring(image, barLeft, barTop, Math.max(length, 1), BAR_HEIGHT);
    fillRect(image, rgbOf(colors[emotion]), barLeft, barTop, barLeft + length, barTop + BAR_HEIGHT);
    drawText(image, `${percents[emotion]}%`, barLeft + length + LABEL_GAP, barTop + textOffset, text);
  });
  return encodePng(image);
}

function ring(image: RgbaImage, x: number, y: number, width: number, height: number): void {
  const outer = RING_GAP + RING_WIDTH;
  fillRect(image, rgbOf(STRONG), x - outer, y - outer, x + width + outer, y + height + outer);
  fillRect(image, rgbOf(TRACK), x - RING_GAP, y - RING_GAP, x + width + RING_GAP, y + height + RING_GAP);
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
