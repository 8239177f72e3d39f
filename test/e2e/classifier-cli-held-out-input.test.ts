import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withoutFeelbotEnv } from '../support/feelbot-process.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../support/fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** `feelbot <args>` from the TypeScript sources, as the other CLI tests run it, with `input` on its stdin. */
function feelbot(args: readonly string[], input?: string | Buffer) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...withoutFeelbotEnv(process.env), FEELBOT_ENV_FILE: '', EMOTION_MODEL: SHIPPED_EMOTION_MODEL, FORCE_COLOR: '0' },
    encoding: 'utf8',
    input,
    timeout: 120_000,
  });
}

/** stdout must hold exactly one JSON object. */
function onlyJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

interface EvalReport {
  readonly n: number;
  readonly macro_f1: number;
  readonly per_label: Record<string, { f1: number; support: number }>;
  readonly confusion: Record<string, Record<string, number>>;
}

const ROWS = ['i feel so happy and grateful for my friends;joy', 'i feel terrified of the exam tomorrow;fear', 'i feel so lonely and sad since she left;sadness'];

/**
 * Issue 3's contract on the files and texts a grader brings: tweets that start with a dash, a
 * header naming its columns otherwise than `text;label`, a file piped in as `-`.
 */
describe('feelbot analyze and eval on held-out input', () => {
  it.each(['-_- ugh mondays again', '- i am so happy today', '-5 degrees and the heating broke, i hate this'])(
    'analyze "%s" prints one JSON object (a text that starts with a dash, not an option)',
    (text) => {
      const run = feelbot(['analyze', text]);
      expect(run.stderr).not.toContain('USAGE_INVALID');
      expect(run.status).toBe(0);
      expect(Object.keys(onlyJson(run.stdout))).toEqual(expect.arrayContaining(['emotion', 'confidence', 'neutral', 'scores']));
    },
    120_000,
  );

  it('eval - reads text;label lines from stdin, decoded as a file is (byte-order mark, CRLF), and says so in its usage', () => {
    const plain = feelbot(['eval', '-'], `${ROWS.join('\n')}\n`);
    expect(plain.stderr).not.toContain('INPUT_UNREADABLE');
    expect(plain.status).toBe(0);
    expect(onlyJson(plain.stdout).n).toBe(ROWS.length);
    const windows = feelbot(['eval', '-'], Buffer.from(`\uFEFFtext;label\r\n${ROWS.join('\r\n')}\r\n`, 'utf8'));
    expect(windows.status, windows.stderr).toBe(0);
    expect(onlyJson(windows.stdout).n).toBe(ROWS.length);
    // Nothing on stdin is a file with no rows, not a hang or a crash.
    const empty = feelbot(['eval', '-'], '');
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('INPUT_INVALID');
    const help = feelbot(['eval', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/\bstdin\b/);
  }, 240_000);

  it('eval skips a first line naming its columns ("text;emotion", "sentence;label", "Text;Emotion") instead of refusing the file', () => {
    const file = `${GENERATED_DIR}held-out-header.txt`;
    for (const header of ['text;emotion', 'sentence;label', 'Text;Emotion', '\ntweet_text;emotion_label']) {
      writeFileSync(file, `${header}\n${ROWS.join('\n')}\n`);
      const run = feelbot(['eval', file]);
      expect(run.stderr, header).not.toContain('INPUT_INVALID');
      expect(run.status, header).toBe(0);
      expect(onlyJson(run.stdout).n, header).toBe(ROWS.length);
    }
    // A sentence with a label of its own is a row, and its bad label still fails the file, naming line 1.
    writeFileSync(file, `i feel great today;happy\n${ROWS.join('\n')}\n`);
    const row = feelbot(['eval', file]);
    expect(row.status).toBe(1);
    expect(row.stderr).toContain('INPUT_INVALID');
    expect(row.stderr).toContain('line 1: label "happy"');
  }, 240_000);

  it('macro_f1 is the mean F1 over the labels in the gold labels or the predictions, and eval --help says so', () => {
    const help = feelbot(['eval', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/macro_f1[^\n]*gold[^\n]*predict/i);

    const file = `${GENERATED_DIR}held-out-missing-labels.txt`;
    writeFileSync(file, `${ROWS.join('\n')}\n`);
    const run = feelbot(['eval', file]);
    expect(run.status, run.stderr).toBe(0);
    const report = onlyJson(run.stdout) as unknown as EvalReport;
    const labels = Object.keys(report.per_label);
    const predictedCount = (label: string) => labels.reduce((sum, gold) => sum + (report.confusion[gold]?.[label] ?? 0), 0);
    const counted = labels.filter((label) => report.per_label[label]!.support > 0 || predictedCount(label) > 0);
    // Three gold labels: some of the six are neither written nor predicted, so the two averages differ.
    expect(counted.length).toBeGreaterThanOrEqual(3);
    expect(counted.length).toBeLessThan(labels.length);
    const mean = counted.reduce((sum, label) => sum + report.per_label[label]!.f1, 0) / counted.length;
    expect(Math.abs(report.macro_f1 - mean)).toBeLessThan(1e-3);
  }, 240_000);
});
