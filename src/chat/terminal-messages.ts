import type { Interface } from 'node:readline';

/** xterm's DECSET 2004: the terminal then wraps what is pasted in PASTE_MARKERS. */
const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';
/** The markers themselves, in case a readline lets them into a line's text (Node 20's does not). */
const PASTE_MARKERS = /\x1b\[20[01]~/g;
/** Messages waiting for their turn before the input is paused (readline's own iterator waits at 1,024 lines too): a huge pipe is not read into memory. */
const MAX_WAITING = 1_024;

/** What readline's keypress events say about a key; only the name matters here. */
type Keypress = { readonly name?: string } | undefined;

/**
 * What a person sends from a terminal, one message per Enter, as Discord's message box does. With
 * `interactive` (a terminal), bracketed paste is turned on: the lines of a paste are held, and the
 * next Enter after it sends them with the line then typed as one message, newlines kept. Piped
 * input is a message per line. `close()` turns bracketed paste off again; call it however the
 * session ends, since a terminal left in that mode wraps every later paste in the user's shell.
 */
export class TerminalMessages implements AsyncIterable<string> {
  private readonly ready: string[] = [];
  private held: string[] = [];
  private pasting = false;
  private ended = false;
  private pasteModeOn = false;
  /** Whether the input is paused because MAX_WAITING messages wait. */
  private full = false;
  private wake: () => void = () => undefined;
  private readonly onKeypress = (_: unknown, key: Keypress): void => {
    if (key?.name === 'paste-start') this.pasting = true;
    else if (key?.name === 'paste-end') this.pasting = false;
  };

  constructor(
    private readonly lines: Interface,
    /** The stream readline reads keys from; its 'keypress' events mark a paste's start and end. */
    private readonly input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
    interactive: boolean,
  ) {
    lines.on('line', (line: string) => this.take(line.replace(PASTE_MARKERS, '')));
    lines.once('close', () => {
      // Lines pasted but never sent by an Enter are dropped, as an unfinished line is.
      this.ended = true;
      this.wake();
    });
    if (interactive) {
      // Runs after readline's own listener (added by createInterface): an Enter's 'line' comes before any later marker.
      input.on('keypress', this.onKeypress);
      output.write(BRACKETED_PASTE_ON);
      this.pasteModeOn = true;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      const next = this.ready.shift();
      if (this.full && this.ready.length < MAX_WAITING) {
        this.full = false;
        this.lines.resume();
      }
      if (next !== undefined) yield next;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Turns bracketed paste off and stops listening for keys. Safe to call more than once. */
  close(): void {
    this.input.off('keypress', this.onKeypress);
    if (!this.pasteModeOn) return;
    this.pasteModeOn = false;
    this.output.write(BRACKETED_PASTE_OFF);
  }

  /** A line is classified as it arrives: by the time the loop reads it, the paste may be over. */
  private take(line: string): void {
    if (this.pasting) {
      this.held.push(line);
      return;
    }
    // An Enter on an empty line right after a paste that ended with a newline sends the paste alone.
    const parts = this.held.length > 0 && line === '' ? this.held : [...this.held, line];
    this.held = [];
    this.ready.push(parts.join('\n'));
    if (this.ready.length >= MAX_WAITING && !this.full) {
      this.full = true;
      this.lines.pause();
    }
    this.wake();
  }
}
