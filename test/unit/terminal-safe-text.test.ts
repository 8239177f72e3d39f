import { describe, expect, it } from 'vitest';
import { terminalSafeText } from '../../src/chat/terminal-safe-text.js';

describe('terminalSafeText', () => {
  it.each([
    ['a carriage return', 'Hi.\rBad!', 'Hi.\\u{D}Bad!'],
    ['ESC and a CSI sequence', 'a\u001b[2Jb', 'a\\u{1B}[2Jb'],
    ['a bell, a backspace and DEL', '\u0007x\u0008y\u007f', '\\u{7}x\\u{8}y\\u{7F}'],
    ['C1 controls (NEL, CSI)', 'a\u0085b\u009bc', 'a\\u{85}b\\u{9B}c'],
    ['the embeddings and overrides', '\u202a\u202b\u202c\u202d\u202e', '\\u{202A}\\u{202B}\\u{202C}\\u{202D}\\u{202E}'],
    ['the isolates', '\u2066\u2067\u2068\u2069', '\\u{2066}\\u{2067}\\u{2068}\\u{2069}'],
    ['the marks', '\u200e\u200f\u061c', '\\u{200E}\\u{200F}\\u{61C}'],
  ])('shows %s as visible escapes', (_what, text, shown) => {
    expect(terminalSafeText(text)).toBe(shown);
  });

  it('keeps newlines, tabs and text of every script and emoji as they are', () => {
    const text = 'Line one\n\tindented — “quoted”, مرحبا, שלום, 日本語, 👩‍👩‍👧 ❤️';
    expect(terminalSafeText(text)).toBe(text);
  });
});
