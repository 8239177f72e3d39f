import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { writePositionLimitedClassifier } from '../../scripts/fixtures/position-table.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../support/fixtures.js';
import { runFeelbot } from '../support/run-feelbot.js';

/** Loading the model and scoring a few rows, from the TypeScript sources. */
const WITHIN_MS = 60_000;
/** 1,210 characters of Chinese: BERT's tokenizer reads each character as a token, past the graph's 128 positions. */
const CHINESE = '我今天真的很难过，因为我最好的朋友要搬走了。'.repeat(55);

interface Report {
  readonly n: number;
  readonly accuracy: number;
  readonly failed_rows: number;
  readonly per_label: Record<string, { recall: number; support: number }>;
  readonly confusion: Record<string, Record<string, number>>;
}

/** The sum of every cell of the confusion matrix, and of its diagonal. */
function cells(confusion: Report['confusion']): { all: number; correct: number } {
  const rows = Object.entries(confusion);
  return {
    all: rows.flatMap(([, row]) => Object.values(row)).reduce((a, b) => a + b, 0),
    correct: rows.reduce((sum, [gold, row]) => sum + (row[gold] ?? 0), 0),
  };
}

function logLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('feelbot eval on a model that cannot read one row (its graph reads 128 positions, its config.json states 512)', () => {
  let model: string;
  beforeAll(() => {
    model = writePositionLimitedClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}eval-failed-rows-model`, { table: 128, stated: 512, modelMaxLength: undefined });
  });

  it("scores the other rows, counts the failed row as a miss in n and its label's support, reports failed_rows and logs its line number, never its text", async () => {
    const file = `${GENERATED_DIR}eval-failed-rows.txt`;
    // Line 1 is a header and line 4 blank: the failed row is line 5 of the file.
    const lines = [
      'text;label',
      'i feel so happy and grateful for my friends;joy',
      'i feel terrified of the exam tomorrow;fear',
      '',
      `${CHINESE};sadness`,
      'i feel so lonely and sad since she left;sadness',
      'i am furious that they lied to me;anger',
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const run = await runFeelbot(['eval', file], { EMOTION_MODEL: model }, WITHIN_MS);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.n).toBe(5);
    expect(report.failed_rows).toBe(1);
    expect(report.per_label.sadness!.support).toBe(2);
    expect(report.per_label.sadness!.recall).toBeLessThanOrEqual(0.5);
    // The failed row is in no cell: the matrix holds the four rows scored, and accuracy is over all five.
    const { all, correct } = cells(report.confusion);
    expect(all).toBe(4);
    expect(report.accuracy).toBeCloseTo(correct / 5, 4);
    const failure = logLines(run.stderr).find((line) => line.code === 'CLASSIFIER_FAILED');
    expect(failure).toMatchObject({ lines: [5] });
    expect(JSON.stringify(failure)).toContain('model_max_length');
    expect(run.stderr).not.toContain('我');
    expect(run.stderr).not.toContain('unexpected failure');
    expect(run.stderr).not.toContain('"stack"');
  });

  it('scored seven ways, the failed row is no neutral prediction either: it is in no cell, and not in neutral_predicted', async () => {
    const file = `${GENERATED_DIR}eval-failed-rows-seven.txt`;
    const lines = [`${CHINESE};sadness`, 'i feel so happy and grateful for my friends;joy', 'ok see you at 5;neutral'];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const run = await runFeelbot(['eval', file], { EMOTION_MODEL: model }, WITHIN_MS);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report & { scored: string; neutral_predicted: number };
    expect(report).toMatchObject({ n: 3, failed_rows: 1, scored: 'seven-way' });
    expect(report.per_label.sadness!.support).toBe(1);
    expect(report.per_label.sadness!.recall).toBe(0);
    expect(Object.values(report.confusion.sadness!).reduce((a, b) => a + b, 0)).toBe(0);
    expect(cells(report.confusion).all).toBe(2);
    expect(report.neutral_predicted).toBeLessThanOrEqual(1);
    expect(logLines(run.stderr).find((line) => line.code === 'CLASSIFIER_FAILED')).toMatchObject({ lines: [1] });
    expect(run.stderr).not.toContain('我');
  });

  it('a model that fails on every row stops the evaluation with its error, printing no report of nothing but misses', async () => {
    const file = `${GENERATED_DIR}eval-failed-rows-all.txt`;
    writeFileSync(file, `${CHINESE};sadness\n${CHINESE.slice(1)};joy\n`);
    const run = await runFeelbot(['eval', file], { EMOTION_MODEL: model }, WITHIN_MS);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('(CLASSIFIER_FAILED)');
    expect(run.stderr).not.toContain('我');
  });
});
