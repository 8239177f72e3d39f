import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TerminalMessages } from '../../src/chat/terminal-messages.js';

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

/** A readline on a stream of keys, as `feelbot chat` makes it; `interactive` as in a terminal. */
function terminalOn(interactive: boolean) {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
  const lines = createInterface({ input, output, terminal: interactive });
  const messages = new TerminalMessages(lines, input, output, interactive);
  const received: string[] = [];
  const done = (async () => {
    for await (const message of messages) received.push(message);
  })();
  return {
    received,
    written: () => written,
    messages,
    /** Sends `chunks` one by one, as a terminal's separate writes, and waits for readline to read them. */
    async type(...chunks: string[]) {
      for (const chunk of chunks) {
        input.write(chunk);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async end() {
      lines.close();
      await done;
      messages.close();
    },
  };
}

describe('the messages a person sends from a terminal', () => {
  it('a pasted block of lines is one message, sent by the Enter after the paste, newlines kept', async () => {
    const terminal = terminalOn(true);
    await terminal.type(`${PASTE_START}one\rtwo\rthree${PASTE_END}`);
    expect(terminal.received).toEqual([]);
    await terminal.type('\r');
    await terminal.end();
    expect(terminal.received).toEqual(['one\ntwo\nthree']);
  });

  it('what is typed after the paste, before the Enter, ends its last line', async () => {
    const terminal = terminalOn(true);
    await terminal.type(`${PASTE_START}one\ntw${PASTE_END}`, 'o!', '\r', 'next\r');
    await terminal.end();
    expect(terminal.received).toEqual(['one\ntwo!', 'next']);
  });

  it('a paste that ends with a newline is sent alone by the next Enter, without a trailing empty line', async () => {
    const terminal = terminalOn(true);
    await terminal.type(`${PASTE_START}one\rtwo\r${PASTE_END}`, '\r');
    await terminal.end();
    expect(terminal.received).toEqual(['one\ntwo']);
  });

  it('paste markers split across reads are still markers, and never part of the text', async () => {
    const terminal = terminalOn(true);
    await terminal.type('\x1b[20', '0~one\r', 'two\x1b[2', '01~', '\r');
    await terminal.end();
    expect(terminal.received).toEqual(['one\ntwo']);
  });

  it('lines typed one by one are one message each', async () => {
    const terminal = terminalOn(true);
    await terminal.type('one\r', 'two\r');
    await terminal.end();
    expect(terminal.received).toEqual(['one', 'two']);
  });

  it('lines pasted but never sent by an Enter are dropped when the input ends', async () => {
    const terminal = terminalOn(true);
    await terminal.type('one\r', `${PASTE_START}two\rthree\r${PASTE_END}`);
    await terminal.end();
    expect(terminal.received).toEqual(['one']);
  });

  it('turns bracketed paste on in a terminal, and off once when closed', async () => {
    const terminal = terminalOn(true);
    expect(terminal.written()).toContain('\x1b[?2004h');
    await terminal.end();
    terminal.messages.close();
    const written = terminal.written();
    expect(written.split('\x1b[?2004l')).toHaveLength(2);
    expect(written.indexOf('\x1b[?2004l')).toBeGreaterThan(written.indexOf('\x1b[?2004h'));
  });

  it('piped input is one message per line, and the terminal modes are left alone', async () => {
    const terminal = terminalOn(false);
    await terminal.type('one\ntwo\n', `${PASTE_START}three\nfour\n`);
    await terminal.end();
    expect(terminal.received).toEqual(['one', 'two', 'three', 'four']);
    expect(terminal.written()).not.toContain('\x1b[?2004');
  });
});
