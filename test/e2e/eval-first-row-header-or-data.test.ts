import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../support/fixtures.js';
import { runFeelbot } from '../support/run-feelbot.js';

/** Loading the model and scoring a few rows, from the TypeScript sources. */
const WITHIN_MS = 60_000;

function logLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('feelbot eval never drops a first data row silently', () => {
  it('a first row with a wrong label is refused with its line number, as the same row on line 2 is', async () => {
    const rows = ['feeling blue;sad', 'i am so happy today;joy', 'i am terrified of the dark;fear'];
    const file = `${GENERATED_DIR}eval-first-row-bad-label.txt`;
    writeFileSync(file, `${rows.join('\n')}\n`);
    const run = await runFeelbot(['eval', file], {}, WITHIN_MS);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('line 1: label "sad" is not one of');
    expect(run.stderr).toContain('INPUT_INVALID');
  });

  it('a first line naming a label column is skipped as a header, and stderr says which line it took as one', async () => {
    const rows = ['Sentence;Emotion', 'i am so happy today;joy', 'i am terrified of the dark;fear'];
    const file = `${GENERATED_DIR}eval-first-row-header.txt`;
    writeFileSync(file, `\n${rows.join('\n')}\n`);
    const run = await runFeelbot(['eval', file], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL }, WITHIN_MS);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { n: number }).n).toBe(2);
    const said = logLines(run.stderr).find((line) => line.msg === 'line 2 was taken as a header naming the columns, not scored');
    expect(said, run.stderr).toMatchObject({ level: 'info', line: 2 });
    // Column names are the file's words: like any text from it, they stay out of the logs.
    expect(run.stderr).not.toContain('Sentence');
  });
});
