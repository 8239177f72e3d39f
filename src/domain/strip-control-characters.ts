/**
 * Characters Python's str.splitlines() breaks a line on that JavaScript's \s does not match:
 * file, group and record separators and NEL. They become spaces, so the words around them stay apart.
 */
const HIDDEN_LINE_BREAKS = /[\u001c-\u001e\u0085]/gu;

/** Other C0 and C1 controls (tab and line breaks excepted, \s handles them) and U+FFFD, a decoding leftover. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000e-\u001b\u001f\u007f-\u0084\u0086-\u009f\ufffd]/gu;

/** Text safe to keep on one line of a file: no control characters and nothing any reader splits on but \s. */
export function stripControlCharacters(text: string): string {
  return text.replace(HIDDEN_LINE_BREAKS, ' ').replace(CONTROL_CHARACTERS, '');
}
