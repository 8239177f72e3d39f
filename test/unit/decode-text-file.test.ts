import { describe, expect, it } from 'vitest';
import { decodeTextFile, MAX_TEXT_FILE_BYTES } from '../../src/cli/decode-text-file.js';
import { ErrorCodes, FeelbotError } from '../../src/errors.js';

const TEXT = 'i feel so happy today;joy\r\ncafé ☕ at 5;neutral\r\n';

function failure(bytes: Uint8Array): FeelbotError {
  try {
    decodeTextFile(bytes, 'The evaluation file x.txt');
  } catch (error) {
    if (error instanceof FeelbotError) return error;
    throw error;
  }
  throw new Error('expected decodeTextFile to fail');
}

describe('decodeTextFile', () => {
  it('reads UTF-8, with or without a byte-order mark', () => {
    expect(decodeTextFile(Buffer.from(TEXT, 'utf8'), 'x')).toBe(TEXT);
    expect(decodeTextFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')]), 'x')).toBe(TEXT);
  });

  it('reads UTF-16 with a byte-order mark, as Windows Notepad saves "Unicode", in either byte order', () => {
    const littleEndian = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]);
    const bigEndian = Buffer.from(littleEndian).swap16();
    expect(decodeTextFile(littleEndian, 'x')).toBe(TEXT);
    expect(decodeTextFile(bigEndian, 'x')).toBe(TEXT);
  });

  it('refuses Latin-1 with INPUT_UNREADABLE, naming the first bad line and saying to save as UTF-8', () => {
    const error = failure(Buffer.from('fine;joy\ncaf\u00e9 at 5;neutral\n', 'latin1'));
    expect(error.code).toBe(ErrorCodes.InputUnreadable);
    expect(error.userFacing).toBe(true);
    expect(error.message).toBe(
      'The evaluation file x.txt has bytes that are not UTF-8 (first at line 2). Save it as UTF-8 (in an editor: Save as, encoding UTF-8) and run again.',
    );
  });

  it('refuses UTF-16 whose bytes break off mid-character', () => {
    const truncated = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('fine;joy', 'utf16le'), Buffer.from([0x61])]);
    expect(failure(truncated).message).toMatch(/not UTF-16 .*Save it as UTF-8/);
  });
});

describe('decodeTextFile, on files it cannot read', () => {
  it('refuses UTF-16 saved without its byte-order mark, in either byte order, instead of reading NULs between letters', () => {
    const littleEndian = Buffer.from('i feel so happy;joy\ni feel sad;sadness\n', 'utf16le');
    for (const bytes of [littleEndian, Buffer.from(littleEndian).swap16()]) {
      const error = failure(bytes);
      expect(error.code).toBe(ErrorCodes.InputUnreadable);
      expect(error.userFacing).toBe(true);
      expect(error.message).toBe(
        'The evaluation file x.txt looks like UTF-16 saved without its byte-order mark (a NUL byte between letters). Save it as UTF-8 (in an editor: Save as, encoding UTF-8) and run again.',
      );
    }
  });

  it('refuses UTF-16 without a byte-order mark whose letters are mostly not Latin', () => {
    const error = failure(Buffer.from('我今天很开心;joy\n我很难过;sadness\n', 'utf16le'));
    expect(error.code).toBe(ErrorCodes.InputUnreadable);
    expect(error.message).toMatch(/looks like UTF-16 saved without its byte-order mark/);
  });

  it('still reads UTF-8 with no NULs, and an empty file or a single letter', () => {
    expect(decodeTextFile(new Uint8Array(0), 'x')).toBe('');
    expect(decodeTextFile(Buffer.from('a'), 'x')).toBe('a');
    expect(decodeTextFile(Buffer.from('我今天很开心;joy\n', 'utf8'), 'x')).toBe('我今天很开心;joy\n');
  });

  it('refuses a file too long for one string with INPUT_INVALID naming the limit, before decoding it', () => {
    // Zero-filled pages nobody touches cost no memory: only the length is read.
    const error = failure(new Uint8Array(MAX_TEXT_FILE_BYTES + 1));
    expect(error.code).toBe(ErrorCodes.InputInvalid);
    expect(error.userFacing).toBe(true);
    const limit = MAX_TEXT_FILE_BYTES.toLocaleString('en-US');
    const size = (MAX_TEXT_FILE_BYTES + 1).toLocaleString('en-US');
    expect(error.message).toBe(
      `The evaluation file x.txt is ${size} bytes; feelbot reads files of at most ${limit} bytes (512 MiB), the longest text Node.js can hold. Split it into smaller files and run each.`,
    );
  });
});
