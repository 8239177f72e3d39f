import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { percent, renderConfusionPlot, writeConfusionPlot } from '../../../src/adapters/images/confusion-plot.js';
import { classificationReport } from '../../../src/domain/classification-metrics.js';
import { EMOTIONS } from '../../../src/domain/emotions.js';
import { countPixels, decodePng, luma, PNG_SIGNATURE, pngSize, type DecodedPng } from './decode-png.js';

/** Shaded cell pixels: clearly blue, and dark. Text ink is grey and the count on a dark cell is white. */
const isDarkCell = (rgb: number): boolean => (rgb & 0xff) > ((rgb >> 16) & 0xff) + 40 && luma(rgb) < 110;

type Band = readonly [number, number];

/** Contiguous index ranges where `hit` is true. */
function bands(length: number, hit: (i: number) => boolean): Band[] {
  const found: Band[] = [];
  let start = -1;
  for (let i = 0; i <= length; i++) {
    if (i < length && hit(i)) start = start < 0 ? i : start;
    else if (start >= 0) {
      found.push([start, i]);
      start = -1;
    }
  }
  return found;
}

/** For each band of rows holding dark cells, the bands of columns its dark cells occupy. */
function darkCells(image: DecodedPng): { rows: Band[]; columnsByRow: Band[][] } {
  const rows = bands(image.height, (y) => countPixels(image, isDarkCell, 0, y, image.width, y + 1) > 0);
  const columnsByRow = rows.map(([y0, y1]) => bands(image.width, (x) => countPixels(image, isDarkCell, x, y0, x + 1, y1) > 0));
  return { rows, columnsByRow };
}

const labels = [...EMOTIONS];
const perfect = classificationReport(labels, labels, labels);

describe('renderConfusionPlot', () => {
  it('is a PNG whose header matches the decoded pixels', () => {
    const png = renderConfusionPlot(perfect, labels);
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const image = decodePng(png);
    expect(pngSize(png)).toEqual({ width: image.width, height: image.height });
    expect(image.width).toBeGreaterThan(400);
  });

  it('for a perfect classifier, only the diagonal cells are dark', () => {
    const image = decodePng(renderConfusionPlot(perfect, labels));
    const { rows, columnsByRow } = darkCells(image);
    expect(rows).toHaveLength(labels.length);
    expect(columnsByRow.every((columns) => columns.length === 1)).toBe(true);
    const lefts = columnsByRow.map((columns) => columns[0]![0]);
    expect(lefts).toEqual([...lefts].sort((a, b) => a - b));
    expect(new Set(lefts).size).toBe(labels.length);
  });

  it('puts gold labels on rows and predictions on columns', () => {
    const gold = ['a', 'a', 'b', 'b', 'c', 'c'];
    const predicted = ['a', 'a', 'a', 'a', 'c', 'c'];
    const image = decodePng(renderConfusionPlot(classificationReport(gold, predicted, ['a', 'b', 'c']), ['a', 'b', 'c']));
    const { columnsByRow } = darkCells(image);
    const left = (row: number): number => columnsByRow[row]![0]![0];
    expect(columnsByRow).toHaveLength(3);
    expect(left(1)).toBe(left(0));
    expect(left(2)).toBeGreaterThan(left(0));
  });

  it('shades by each row’s share, so a rare label classified right is as dark as a common one', () => {
    const gold = ['a', ...Array<string>(50).fill('b')];
    const image = decodePng(renderConfusionPlot(classificationReport(gold, gold, ['a', 'b']), ['a', 'b']));
    const { rows, columnsByRow } = darkCells(image);
    const colourAt = (row: number): number => image.rgbAt(columnsByRow[row]![0]![0] + 2, rows[row]![0] + 2);
    expect(colourAt(0)).toBe(colourAt(1));
  });

  it('writes each count in its cell: more digits, more ink', () => {
    const gold = ['a', ...Array<string>(100).fill('b')];
    const image = decodePng(renderConfusionPlot(classificationReport(gold, gold, ['a', 'b']), ['a', 'b']));
    const { rows, columnsByRow } = darkCells(image);
    const whiteInk = (row: number): number => {
      const [x0, x1] = columnsByRow[row]![0]!;
      return countPixels(image, (rgb) => luma(rgb) > 240, x0, rows[row]![0], x1, rows[row]![1]);
    };
    expect(whiteInk(0)).toBeGreaterThan(0);
    expect(whiteInk(1)).toBeGreaterThan(2 * whiteInk(0));
  });

  it('prints accuracy and macro-F1 in the title, so different scores give a different title', () => {
    const weaker = classificationReport(labels, [...labels].reverse(), labels);
    const title = (png: Buffer): number[] => {
      const image = decodePng(png);
      return Array.from({ length: 40 * image.width }, (_, i) => image.rgbAt(i % image.width, Math.floor(i / image.width)));
    };
    const perfectTitle = title(renderConfusionPlot(perfect, labels));
    expect(perfectTitle.filter((rgb) => luma(rgb) < 80).length).toBeGreaterThan(100);
    expect(title(renderConfusionPlot(weaker, labels))).not.toEqual(perfectTitle);
  });
});

describe('writeConfusionPlot', () => {
  it('writes the rendered PNG, creating the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feelbot-plot-'));
    try {
      const path = join(dir, 'eval', 'confusion.png');
      await writeConfusionPlot(path, perfect, labels);
      expect(await readFile(path)).toEqual(renderConfusionPlot(perfect, labels));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the plot title's accuracy", () => {
  it('rounds 1,857 of 2,000 (92.85 %) up, as the JSON report would read it', () => {
    expect(percent(1_857 / 2_000)).toBe('92.9%');
    expect(percent(5 / 6)).toBe('83.3%');
    expect(percent(1)).toBe('100.0%');
  });
});

