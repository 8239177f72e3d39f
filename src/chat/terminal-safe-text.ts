/**
 * Characters a terminal acts on instead of showing: the C0 and C1 controls but the newline and the
 * tab (a carriage return overwrites the line, ESC starts a sequence that clears the screen or
 * recolours it, DEL erases), and the bidi controls (U+061C, U+200E/U+200F, U+202A–U+202E,
 * U+2066–U+2069), which reorder the rest of the line so it reads otherwise than it was written.
 */
const ACTS_ON_TERMINAL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/**
 * Text from the model or the persona file as a terminal can print it: each character it would act
 * on is written as a visible escape instead (`\u{D}`, `\u{1B}`, `\u{202E}`), so the reader sees
 * that something was there and the line reads as the model wrote it, in the order it wrote it.
 */
export function terminalSafeText(text: string): string {
  return text.replace(ACTS_ON_TERMINAL, (char) => `\\u{${char.codePointAt(0)!.toString(16).toUpperCase()}}`);
}
