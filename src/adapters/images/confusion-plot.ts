import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ClassificationReport } from '../../domain/classification-metrics.js';
import { fillRect, rgbOf, type Rgb } from './canvas.js';
import { drawText, measureText } from './draw-text.js';
import { createImage, encodePng } from './png-encoder.js';

/** White, like a figure in a report, where this plot is meant to be pasted. */
const BACKGROUND = 0xff_ff_ff;
const INK = 0x1f_23_28;
const MUTED = 0x5c_63_6e;
/** The two ends of the shade scale (matplotlib's "Blues"): an empty row share, then a full one. */
const EMPTY_SHADE: Rgb = [239, 243, 255];
const FULL_SHADE: Rgb = [8, 48, 107];
/** Above this share the cell is dark enough that its count must be white to be read. */
const DARK_CELL_SHARE = 0.5;
const MARGIN = 20;
/** Scale 2 turns the 5x7 font into 10x14 letters, legible when the plot is shown at half size. */
const TEXT_SCALE = 2;
const GAP = 12;
/** Cells are at least this wide, and wider when a column's label needs it. */
const MIN_CELL_WIDTH = 72;
const CELL_HEIGHT = 48;
/** A hairline between cells keeps two equally shaded neighbours apart. */
const CELL_GAP = 1;
/** The font's cap height, 7 rows, is what reads as the text's vertical extent. */
const CAP_ROWS = 7;
/** Axis captions: the rows' sits above the row labels, the columns' above the column labels. */
const ROW_AXIS = 'gold';
const COLUMN_AXIS = 'predicted';

/** A confusion-matrix heat map (rows gold, columns predicted, shaded by row share) with accuracy and macro-F1, as PNG bytes. */
export function renderConfusionPlot(report: ClassificationReport, labels: readonly string[]): Buffer {
  const text = { scale: TEXT_SCALE };
  const lineHeight = CAP_ROWS * TEXT_SCALE;
  const widest = (strings: readonly string[]): number => Math.max(0, ...strings.map((s) => measureText(s, text).width));
  const rowLabelWidth = widest([...labels, ROW_AXIS]);
  const cellWidth = Math.max(MIN_CELL_WIDTH, widest(labels) + GAP);
  const gridLeft = MARGIN + rowLabelWidth + GAP;
  const title = `accuracy ${percent(report.accuracy)}   macro-F1 ${report.macro_f1.toFixed(3)}   n ${report.n}`;
  const gridTop = MARGIN + 3 * (lineHeight + GAP) + GAP;
  const width = Math.max(gridLeft + labels.length * cellWidth - CELL_GAP, MARGIN + widest([title])) + MARGIN;
  const height = gridTop + labels.length * CELL_HEIGHT + MARGIN;

  const image = createImage(width, height);
  fillRect(image, rgbOf(BACKGROUND), 0, 0, width, height);
  drawText(image, title, MARGIN, MARGIN, { ...text, color: INK, bold: true });
  const headerTop = gridTop - GAP - lineHeight;
  const gridWidth = labels.length * cellWidth;
  drawText(image, ROW_AXIS, gridLeft - GAP - widest([ROW_AXIS]), headerTop, { ...text, color: MUTED });
  drawText(image, COLUMN_AXIS, gridLeft + (gridWidth - widest([COLUMN_AXIS])) / 2, headerTop - GAP - lineHeight, { ...text, color: MUTED });

  labels.forEach((predicted, column) => {
    const x = gridLeft + column * cellWidth + (cellWidth - measureText(predicted, text).width) / 2;
    drawText(image, predicted, x, headerTop, { ...text, color: INK });
  });
  labels.forEach((gold, row) => {
    const counts = labels.map((predicted) => report.confusion[gold]?.[predicted] ?? 0);
    const total = counts.reduce((a, b) => a + b, 0);
    const y = gridTop + row * CELL_HEIGHT;
    drawText(image, gold, gridLeft - GAP - measureText(gold, text).width, y + (CELL_HEIGHT - lineHeight) / 2, { ...text, color: INK });
    counts.forEach((count, column) => {
      const share = total ? count / total : 0;
      const x = gridLeft + column * cellWidth;
      fillRect(image, shade(share), x, y, x + cellWidth - CELL_GAP, y + CELL_HEIGHT - CELL_GAP);
      const label = String(count);
      const textX = x + (cellWidth - measureText(label, text).width) / 2;
      drawText(image, label, textX, y + (CELL_HEIGHT - lineHeight) / 2, { ...text, color: share > DARK_CELL_SHARE ? BACKGROUND : INK });
    });
  });
  return encodePng(image);
}

/** Renders the plot and writes it to `path`, creating its folder. */
export async function writeConfusionPlot(path: string, report: ClassificationReport, labels: readonly string[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    // mkdir answers EEXIST when a part of the folder's path is a file.
    if (error.code === 'EEXIST') error.code = 'ENOTDIR';
    throw error;
  });
  await writeFile(path, renderConfusionPlot(report, labels));
}

function shade(share: number): Rgb {
  const mix = (from: number, to: number): number => Math.round(from + (to - from) * share);
  return [mix(EMPTY_SHADE[0], FULL_SHADE[0]), mix(EMPTY_SHADE[1], FULL_SHADE[1]), mix(EMPTY_SHADE[2], FULL_SHADE[2])];
}

/** A share as the title shows it, to one decimal, rounded half up from the share itself. */
export function percent(value: number): string {
  // Rounded from the exact count's share: 0.9285 * 100 is 92.849999… in binary, which toFixed rounds down.
  return `${(Math.round(value * 1_000) / 10).toFixed(1)}%`;
}
