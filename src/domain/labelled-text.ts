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

function invalidLine(lineNumber: number, reason: string): FeelbotError {
  return new FeelbotError(ErrorCodes.InputInvalid, `line ${lineNumber}: ${reason}`, {
    userFacing: true,
    permanent: true,
    details: { line: lineNumber },
  });
}

/**
 * Parses `text;label` lines, splitting on the LAST ';' (text may contain ';'). Lines end in \n,
 * \r\n or a lone \r (old Mac exports). Labels are read case-insensitively; blank lines, a byte-order
 * mark and a `text;label` header line are skipped. A bad line fails the whole file with its number,
 * so no row is scored against a label it does not have.
 */
export function parseLabelledLines(content: string): LabelledText[] {
  const rows: LabelledText[] = [];
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
    rows.push({ text, label: label as EmotionOrNeutral });
  });
  return rows;
}
