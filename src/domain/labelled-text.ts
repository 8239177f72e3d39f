import { EMOTIONS, NEUTRAL, type EmotionOrNeutral } from './emotions.js';

export interface LabelledText {
  readonly text: string;
  readonly label: EmotionOrNeutral;
}

const LABELS: readonly string[] = [...EMOTIONS, NEUTRAL];

/**
 * Parses `text;label` lines, splitting on the LAST ';' (text may contain ';'). Blank lines are
 * skipped; a bad line is reported with its number.
 */
export function parseLabelledLines(content: string): LabelledText[] {
  const rows: LabelledText[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const cut = line.lastIndexOf(';');
    const label = cut >= 0 ? line.slice(cut + 1).trim().toLowerCase() : '';
    const text = cut >= 0 ? line.slice(0, cut) : line;
    if (!LABELS.includes(label)) {
      throw new Error(`line ${index + 1}: label "${label}" is not one of ${LABELS.join(', ')}`);
    }
    if (!text.trim()) throw new Error(`line ${index + 1}: empty text`);
    rows.push({ text, label: label as EmotionOrNeutral });
  });
  return rows;
}
