import { constants } from 'node:buffer';
import { LINE_END } from '../domain/labelled-text.js';
import { ErrorCodes, FeelbotError } from '../errors.js';

/** UTF-16 is recognised only by its byte-order mark: Windows Notepad's "Unicode" writes FF FE. */
const UTF16_MARKS = [
  { mark: [0xff, 0xfe], encoding: 'utf-16le' },
  { mark: [0xfe, 0xff], encoding: 'utf-16be' },
] as const;

/**
 * The longest file read: V8's longest string, in bytes, since no UTF-8 byte decodes to more than
 * one UTF-16 unit. Past it decoding throws ERR_STRING_TOO_LONG, which says nothing of the file.
 */
export const MAX_TEXT_FILE_BYTES = constants.MAX_STRING_LENGTH;

/** Enough byte pairs to tell UTF-16 without its mark, at a fixed cost whatever the file's size. */
const SNIFFED_BYTES = 1_024;

/**
 * The text of a file the user hands feelbot: UTF-8 (a byte-order mark is dropped) or UTF-16 with
 * a byte-order mark. Other bytes (Latin-1, a UTF-16 file without its mark) fail with
 * INPUT_UNREADABLE, not as U+FFFD or NULs that show up later as baffling labels; a file too long
 * for one string fails with INPUT_INVALID. `description` names the file in that error ("The
 * evaluation file data.txt").
 */
export function decodeTextFile(bytes: Uint8Array, description: string): string {
  if (bytes.byteLength > MAX_TEXT_FILE_BYTES) throw tooLarge(bytes.byteLength, description);
  const encoding = UTF16_MARKS.find(({ mark }) => mark.every((byte, i) => bytes[i] === byte))?.encoding ?? 'utf-8';
  if (encoding === 'utf-8' && looksLikeUnmarkedUtf16(bytes)) throw unmarkedUtf16(description);
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch (cause) {
    const line = new TextDecoder(encoding).decode(bytes).split(LINE_END).findIndex((text) => text.includes('\uFFFD')) + 1;
    const where = line > 0 ? ` (first at line ${line})` : '';
    throw new FeelbotError(
      ErrorCodes.InputUnreadable,
      `${description} has bytes that are not ${encoding === 'utf-8' ? 'UTF-8' : 'UTF-16'}${where}. Save it as UTF-8 (in an editor: Save as, encoding UTF-8) and run again.`,
      { userFacing: true, permanent: true, cause, details: { encoding, line } },
    );
  }
}

/**
 * Latin letters in UTF-16 put a NUL beside each letter, in the same half of every pair: NULs in a
 * quarter of the first pairs, nearly all on one side, are no UTF-8 text. Valid UTF-8 as bytes, such a
 * file would read as labels full of NULs.
 */
function looksLikeUnmarkedUtf16(bytes: Uint8Array): boolean {
  const pairs = Math.floor(Math.min(bytes.length, SNIFFED_BYTES) / 2);
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (bytes[i] === 0) evenNuls += 1;
    if (bytes[i + 1] === 0) oddNuls += 1;
  }
  const [more, fewer] = [Math.max(evenNuls, oddNuls), Math.min(evenNuls, oddNuls)];
  return pairs > 0 && more * 4 >= pairs && fewer * 4 <= more;
}

function unmarkedUtf16(description: string): FeelbotError {
  return new FeelbotError(
    ErrorCodes.InputUnreadable,
    `${description} looks like UTF-16 saved without its byte-order mark (a NUL byte between letters). Save it as UTF-8 (in an editor: Save as, encoding UTF-8) and run again.`,
    { userFacing: true, permanent: true, details: { encoding: 'utf-16' } },
  );
}

function tooLarge(size: number, description: string): FeelbotError {
  const limit = MAX_TEXT_FILE_BYTES.toLocaleString('en-US');
  const mebibytes = Math.round(MAX_TEXT_FILE_BYTES / 2 ** 20);
  return new FeelbotError(
    ErrorCodes.InputInvalid,
    `${description} is ${size.toLocaleString('en-US')} bytes; feelbot reads files of at most ${limit} bytes (${mebibytes} MiB), the longest text Node.js can hold. Split it into smaller files and run each.`,
    { userFacing: true, permanent: true, details: { size, limit: MAX_TEXT_FILE_BYTES } },
  );
}
