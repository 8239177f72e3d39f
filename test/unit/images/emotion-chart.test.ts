import { describe, expect, it } from 'vitest';
import { renderEmotionChart } from '../../../src/adapters/images/emotion-chart.js';
import { DEFAULT_PERSONAS } from '../../../src/domain/default-personas.js';
import { EMOTIONS, type Emotion, type EmotionScores } from '../../../src/domain/emotions.js';
import { buildScores } from '../../factories.js';
import { countPixels, decodePng, longestRun, luma, PNG_SIGNATURE, pngSize } from './decode-png.js';

const colors = Object.fromEntries(EMOTIONS.map((emotion) => [emotion, DEFAULT_PERSONAS[emotion].color])) as Record<Emotion, number>;
const DISCORD_DARK = 0x2b_2d_31;
const isBright = (rgb: number): boolean => luma(rgb) > 200;

function bars(scores: EmotionScores) {
  const image = decodePng(renderEmotionChart(scores, colors));
  const runs = Object.fromEntries(EMOTIONS.map((emotion) => [emotion, longestRun(image, colors[emotion])])) as Record<Emotion, ReturnType<typeof longestRun>>;
  return { image, runs };
}

describe('renderEmotionChart', () => {
  const scores = buildScores({ sadness: 0.15, joy: 0.6, love: 0.3, anger: 0.03, fear: 0.06, surprise: 0.01 });

  it('is a 600x300 PNG on Discord dark background', () => {
    const png = renderEmotionChart(scores, colors);
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 600, height: 300 });
    const image = decodePng(png);
    expect(image.rgbAt(0, 0)).toBe(DISCORD_DARK);
    expect(image.rgbAt(599, 299)).toBe(DISCORD_DARK);
  });

  it('draws each bar in its persona colour, with a length proportional to its score', () => {
    const { runs } = bars(scores);
    const pixelsPerUnit = runs.joy.length / scores.joy;
    expect(runs.joy.length).toBeGreaterThan(200);
    for (const emotion of EMOTIONS) expect(Math.abs(runs[emotion].length - scores[emotion] * pixelsPerUnit)).toBeLessThanOrEqual(1);
  });

  it('starts every bar at the same x and stacks them in the canonical emotion order', () => {
    const { runs } = bars(scores);
    expect(new Set(EMOTIONS.map((emotion) => runs[emotion].x)).size).toBe(1);
    const tops = EMOTIONS.map((emotion) => runs[emotion].y);
    expect(tops).toEqual([...tops].sort((a, b) => a - b));
  });

  it('a zero score draws no bar at all', () => {
    const { image } = bars(buildScores({ anger: 0 }));
    expect(countPixels(image, (rgb) => rgb === colors.anger)).toBe(0);
  });

  it.each(['joy', 'fear'] as const)('rings the strongest emotion (%s) in white and no other bar', (top) => {
    const { image, runs } = bars(buildScores({ sadness: 0.1, joy: 0.2, love: 0.1, anger: 0.1, fear: 0.1, surprise: 0.1, [top]: 0.4 }));
    for (const emotion of EMOTIONS) {
      const { x, y, length } = runs[emotion];
      const ringAbove = countPixels(image, isBright, x, y - 6, x + length, y);
      if (emotion === top) expect(ringAbove).toBeGreaterThan(length);
      else expect(ringAbove).toBe(0);
    }
  });

  it('prints the percentage after the end of each bar and the label before it', () => {
    const { image, runs } = bars(scores);
    for (const emotion of EMOTIONS) {
      const { x, y, length } = runs[emotion];
      const textAfter = countPixels(image, (rgb) => luma(rgb) > 120, x + length + 6, y, x + length + 80, y + 24);
      const labelBefore = countPixels(image, (rgb) => luma(rgb) > 120, 0, y, x - 6, y + 24);
      expect(textAfter, emotion).toBeGreaterThan(20);
      expect(labelBefore, emotion).toBeGreaterThan(20);
    }
  });

  it("prints the card's whole percents, which add up to 100: three even thirds read 34%, 33%, 33%, not three 33%s", () => {
    /** What is printed just after `emotion`'s bar (its percentage), as rows of '#' (text) and '.', from the bar's end. */
    const printedAfter = (scores: EmotionScores, emotion: Emotion): string => {
      const { image, runs } = bars(scores);
      const { x, y, length } = runs[emotion];
      const rows: string[] = [];
      for (let row = y; row < y + 24; row++) {
        let line = '';
        for (let column = x + length + 8; column < x + length + 90; column++) line += luma(image.rgbAt(column, row)) > 120 ? '#' : '.';
        rows.push(line);
      }
      return rows.join('\n');
    };
    const third = 1 / 3;
    const thirds = printedAfter(buildScores({ sadness: third, joy: third, love: third, anger: 0, fear: 0, surprise: 0 }), 'sadness');
    expect(thirds).toBe(printedAfter(buildScores({ sadness: 0.34, joy: 0.33, love: 0.33, anger: 0, fear: 0, surprise: 0 }), 'sadness'));
    expect(thirds).not.toBe(printedAfter(buildScores({ sadness: 0.33, joy: 0.33, love: 0.33, anger: 0.01, fear: 0, surprise: 0 }), 'sadness'));
  });

  it('draws the title only when one is given', () => {
    const titleBand = (png: Buffer): number => countPixels(decodePng(png), isBright, 0, 0, 600, 40);
    expect(titleBand(renderEmotionChart(scores, colors, { title: 'How this message feels' }))).toBeGreaterThan(100);
    expect(titleBand(renderEmotionChart(scores, colors))).toBe(0);
  });
});
