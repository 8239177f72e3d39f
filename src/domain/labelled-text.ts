import { ErrorCodes, FeelbotError } from '../errors.js';
import { EMOTIONS, NEUTRAL, type EmotionOrNeutral } from './emotions.js';

export interface LabelledText {
  readonly text: string;
  readonly label: EmotionOrNeutral;
}

const LABELS: readonly string[] = [...EMOTIONS, NEUTRAL];
// A spreadsheet export's first line names its columns; it is not a row.
const HEADER = /^\s*text\s*;\s*label\s*$/i;
const BYTE_ORDER_MARK = /^\uFEFF/;
/** Windows (CRLF), Unix (LF) and old Mac (CR) line endings alike. */
export const LINE_END = /\r\n|\r|\n/;
/** A file of long texts should not print thousands of line numbers. */
const MAX_LINES_NAMED = 20;

function invalidLine(lineNumber: number, reason: string): FeelbotError {
  return new FeelbotError(ErrorCodes.InputInvalid, `line ${lineNumber}: ${reason}`, {
    userFacing: true,
    permanent: true,
    details: { line: lineNumber },
  });
}

export interface ParseOptions {
  /** Lines whose text is longer than this fail the file, all named at once. Defaults to no limit. */
  readonly maxTextChars?: number;
}

/**
 * Parses `text;label` lines, splitting on the LAST ';' (text may contain ';'). Lines end in \n,
 * \r\n or a lone \r (old Mac exports). Labels are read case-insensitively; blank lines, a byte-order
 * mark and a `text;label` header line are skipped. A bad line fails the whole file with its number,
 * so no row is scored against a label it does not have.
 */
export function parseLabelledLines(content: string, options: ParseOptions = {}): LabelledText[] {
  const rows: LabelledText[] = [];
  const maxTextChars = options.maxTextChars ?? Infinity;
  const tooLong: number[] = [];
  content.replace(BYTE_ORDER_MARK, '').split(LINE_END).forEach((line, index) => {
    if (!line.trim() || (index === 0 && HEADER.test(line))) return;
    const cut = line.lastIndexOf(';');
    if (cut < 0) throw invalidLine(index + 1, `no ";label" at the end (expected text;label, label one of ${LABELS.join(', ')})`);
    const label = line.slice(cut + 1).trim().toLowerCase();
    const text = line.slice(0, cut);
    if (!LABELS.includes(label)) {
      // JSON quoting shows what the eye cannot: NULs of a misread UTF-16 file, stray control characters.
      throw invalidLine(index + 1, `label ${JSON.stringify(label)} is not one of ${LABELS.join(', ')}`);
    }
    if (!text.trim()) throw invalidLine(index + 1, 'empty text');
    if (text.length > maxTextChars) tooLong.push(index + 1);
    rows.push({ text, label: label as EmotionOrNeutral });
  });
  if (tooLong.length > 0) throw textsTooLong(tooLong, maxTextChars);
  return rows;
}

function textsTooLong(lines: readonly number[], max: number): FeelbotError {
  const shown =
    lines.length > MAX_LINES_NAMED ? `${lines.slice(0, MAX_LINES_NAMED).join(', ')} and ${lines.length - MAX_LINES_NAMED} more` : lines.join(', ');
  return new FeelbotError(
    ErrorCodes.InputInvalid,
    `${lines.length === 1 ? 'line' : 'lines'} ${shown}: text longer than ${max.toLocaleString('en-US')} characters, the most the classifier reads; shorten or split ${lines.length === 1 ? 'it' : 'them'}`,
    { userFacing: true, permanent: true, details: { lines, maxTextChars: max } },
  );
}
