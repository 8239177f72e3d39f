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

/** A first line whose label is none of ours and whose two fields both name columns (`text;emotion`, `sentence;label`). */
function isHeader(text: string, label: string): boolean {
  return !LABELS.includes(label) && COLUMN_NAME.test(text.trim()) && COLUMN_NAME.test(label);
}

/**
 * Parses `text;label` lines, splitting on the LAST ';' (text may contain ';'). Lines end in \n,
 * \r\n or a lone \r (old Mac exports). Labels are read case-insensitively; blank lines, a byte-order
 * mark and a header line (the first non-blank line, when it names two columns: `text;label`,
 * `text;emotion`, `Sentence;Label`) are skipped. A bad line fails the whole file with its number,
 * so no row is scored against a label it does not have.
 */
export function parseLabelledLines(content: string): LabelledText[] {
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
    if (mayBeHeader && isHeader(text, label)) return;
    if (!LABELS.includes(label)) {
      // JSON quoting shows what the eye cannot: NULs of a misread UTF-16 file, stray control characters.
      throw invalidLine(index + 1, `label ${JSON.stringify(label)} is not one of ${LABELS.join(', ')}`);
    }
    if (!text.trim()) throw invalidLine(index + 1, 'empty text');
    rows.push({ text, label: label as EmotionOrNeutral, line: index + 1 });
  });
  return rows;
}
