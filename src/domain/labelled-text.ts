import { ErrorCodes, FeelbotError } from '../errors.js';
import { EMOTIONS, NEUTRAL, type EmotionOrNeutral } from './emotions.js';

export interface LabelledText {
  readonly text: string;
  readonly label: EmotionOrNeutral;
  /** Its line in the file, counted from 1, so a row is named without its text. */
  readonly line: number;
}

const LABELS: readonly string[] = [...EMOTIONS, NEUTRAL];
/**
 * A column's name in a header line: one or two words of letters and underscores ("text", "emotion",
 * "tweet_text", "Tweet Text"), as pandas' to_csv(sep=';') or a spreadsheet writes it; not a sentence.
 */
const COLUMN_NAME = /^[A-Za-z_]{1,32}( [A-Za-z_]{1,32})?$/;
/**
 * Words that name a label column ("emotion", "gold_label", "Emotion Class"), read case-insensitively:
 * a first line whose label field has none of them is a data row, so a bad label there fails as anywhere.
 */
const LABEL_COLUMN_WORDS: ReadonlySet<string> = new Set(['label', 'labels', 'emotion', 'emotions', 'class', 'category', 'sentiment', 'target', 'y', 'gold', 'tag']);
/** Added to a bad label's message on a first line that may have been meant as a header, saying why it was read as a row. */
const NOT_A_HEADER = ' (read as a row: a header names its label column label, emotion, class, sentiment or the like)';
const BYTE_ORDER_MARK = /^\uFEFF/;
/** Windows (CRLF), Unix (LF) and old Mac (CR) line endings alike. */
export const LINE_END = /\r\n|\r|\n/;

function invalidLine(lineNumber: number, reason: string): FeelbotError {
  return new FeelbotError(ErrorCodes.InputInvalid, `line ${lineNumber}: ${reason}`, {
    userFacing: true,
    permanent: true,
    details: { line: lineNumber },
  });
}

/** Two fields that could both be column names: one or two words each, the label none of ours. */
function looksLikeColumns(text: string, label: string): boolean {
  return !LABELS.includes(label) && COLUMN_NAME.test(text.trim()) && COLUMN_NAME.test(label);
}

/** A first line naming its columns, its label field a label column's (`text;emotion`, `Sentence;Label`, `premise;gold_label`). */
function isHeader(text: string, label: string): boolean {
  return looksLikeColumns(text, label) && label.split(/[ _]/).some((word) => LABEL_COLUMN_WORDS.has(word));
}

export interface ParseLabelledLinesOptions {
  /** Told the line number (from 1) of a first line skipped as a header, so skipping it is never silent. */
  readonly onHeader?: (line: number) => void;
}

/**
 * Parses `text;label` lines, splitting on the LAST ';' (text may contain ';'). Lines end in \n,
 * \r\n or a lone \r (old Mac exports). Labels are read case-insensitively; blank lines, a byte-order
 * mark and a header line (the first non-blank line, when it names two columns and its label field a
 * label column: `text;label`, `text;emotion`, `Sentence;Label`) are skipped. A bad line fails the
 * whole file with its number, so no row is scored against a label it does not have.
 */
export function parseLabelledLines(content: string, options: ParseLabelledLinesOptions = {}): LabelledText[] {
  const rows: LabelledText[] = [];
  let firstLine = true;
  content.replace(BYTE_ORDER_MARK, '').split(LINE_END).forEach((line, index) => {
    if (!line.trim()) return;
    const mayBeHeader = firstLine;
    firstLine = false;
    const cut = line.lastIndexOf(';');
    if (cut < 0) throw invalidLine(index + 1, `no ";label" at the end (expected text;label, label one of ${LABELS.join(', ')})`);
    const label = line.slice(cut + 1).trim().toLowerCase();
    const text = line.slice(0, cut);
    if (mayBeHeader && isHeader(text, label)) {
      options.onHeader?.(index + 1);
      return;
    }
    if (!LABELS.includes(label)) {
      const hint = mayBeHeader && looksLikeColumns(text, label) ? NOT_A_HEADER : '';
      // JSON quoting shows what the eye cannot: NULs of a misread UTF-16 file, stray control characters.
      throw invalidLine(index + 1, `label ${JSON.stringify(label)} is not one of ${LABELS.join(', ')}${hint}`);
    }
    if (!text.trim()) throw invalidLine(index + 1, 'empty text');
    rows.push({ text, label: label as EmotionOrNeutral, line: index + 1 });
  });
  return rows;
}
