import { LINE_END } from '../domain/labelled-text.js';
import { ErrorCodes, FeelbotError } from '../errors.js';

/** UTF-16 is recognised only by its byte-order mark: Windows Notepad's "Unicode" writes FF FE. */
const UTF16_MARKS = [
  { mark: [0xff, 0xfe], encoding: 'utf-16le' },
  { mark: [0xfe, 0xff], encoding: 'utf-16be' },
] as const;

/**
 * The text of a file the user hands feelbot: UTF-8 (a byte-order mark is dropped) or UTF-16 with
 * a byte-order mark. Other bytes (Latin-1, a UTF-16 file without its mark) fail with
 * INPUT_UNREADABLE, not as U+FFFD or NULs that show up later as baffling labels. `description`
 * names the file in that error ("The evaluation file data.txt").
 */
export function decodeTextFile(bytes: Uint8Array, description: string): string {
  const encoding = UTF16_MARKS.find(({ mark }) => mark.every((byte, i) => bytes[i] === byte))?.encoding ?? 'utf-8';
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
