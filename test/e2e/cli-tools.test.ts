import { writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MessageQueue } from '../../src/adapters/bullmq/message-queue.js';
import { EMOTIONS } from '../../src/domain/emotions.js';
import { buildMessageJob, snowflake } from '../factories.js';
import { FeelbotProcess, withoutFeelbotEnv } from '../support/feelbot-process.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL, tinyModelPath } from '../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** The JSON line a tool prints on stdout (logs go to stderr as JSON too, but carry a `level`). */
function resultLine(process: FeelbotProcess): Record<string, unknown> {
  const parsed = process.logs.filter((line) => line.level === undefined);
  expect(parsed).toHaveLength(1);
  return parsed[0]!;
}

const EVAL_LINES = [
  'i feel so happy and grateful for my friends;joy',
  'i feel terrified of the exam tomorrow;fear',
  'i feel so lonely and sad since she left;sadness',
  'i am furious that they lied to me;anger',
  'text with a ; inside it and i feel so loved;love',
  'i was amazed by the unexpected news;surprise',
];

describe('feelbot analyze and eval on the shipped model', () => {
  it('analyze prints one JSON object: emotion, confidence, neutral and the six scores', async () => {
    const analyze = new FeelbotProcess(['analyze', 'I finally got the job, I am so happy!'], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await analyze.waitForExit()).toBe(0);
    const result = resultLine(analyze);
    expect(Object.keys(result).sort()).toEqual(['confidence', 'emotion', 'neutral', 'scores']);
    expect(result.emotion).toBe('joy');
    expect(result.neutral).toBe(false);
    expect(Object.keys(result.scores as object).sort()).toEqual([...EMOTIONS].sort());
  });

  it('analyze without text says how to use it, with the usage exit code 2; an empty text is MESSAGE_EMPTY', async () => {
    const analyze = new FeelbotProcess(['analyze'], {});
    expect(await analyze.waitForExit()).toBe(2);
    expect(analyze.output.join('\n')).toContain('Usage: feelbot analyze "');
    const empty = new FeelbotProcess(['analyze', '  '], {});
    expect(await empty.waitForExit()).toBe(1);
    expect(empty.output.join('\n')).toContain('MESSAGE_EMPTY');
  });

  it('eval splits on the last ";" and prints n, accuracy, macro_f1, per_label and confusion; --plot draws a PNG', async () => {
    const file = `${GENERATED_DIR}eval-sample.txt`;
    writeFileSync(file, `${EVAL_LINES.join('\n')}\n`);
    const plot = `${GENERATED_DIR}eval-sample.png`;
    const evaluate = new FeelbotProcess(['eval', file, '--plot', plot], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await evaluate.waitForExit()).toBe(0);
    const report = resultLine(evaluate) as { n: number; accuracy: number; macro_f1: number; per_label: Record<string, { support: number }>; confusion: Record<string, Record<string, number>> };
    expect(report.n).toBe(6);
    expect(report.per_label.love!.support).toBe(1);
    expect(Object.values(report.confusion).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0)).toBe(6);
    expect(report.accuracy).toBeGreaterThanOrEqual(5 / 6);
    expect(report).toMatchObject({ scored: 'six-way', neutral_predicted: 0 });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(plot).subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('eval says on stderr how many rows it is about to score, so a long run is not silent; stdout holds only the report', () => {
    const file = `${GENERATED_DIR}eval-announce.txt`;
    writeFileSync(file, `${EVAL_LINES.join('\n')}\n`);
    const evaluate = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'eval', file], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      env: { ...withoutFeelbotEnv(process.env), FEELBOT_ENV_FILE: '', EMOTION_MODEL: SHIPPED_EMOTION_MODEL },
      encoding: 'utf8',
    });
    expect(evaluate.status).toBe(0);
    const stdout = evaluate.stdout.trim().split('\n');
    expect(stdout).toHaveLength(1);
    expect((JSON.parse(stdout[0]!) as { n: number }).n).toBe(EVAL_LINES.length);
    const announced = evaluate.stderr.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg?: string; rows?: number });
    expect(announced.find((line) => line.msg === `evaluating ${EVAL_LINES.length} rows`)).toMatchObject({ rows: EVAL_LINES.length });
  });

  it('eval rejects a line whose label is not one of ours, naming the line', async () => {
    const file = `${GENERATED_DIR}eval-bad.txt`;
    writeFileSync(file, 'fine line;joy\nbad line;happiness\n');
    const evaluate = new FeelbotProcess(['eval', file], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await evaluate.waitForExit()).toBe(1);
    const output = evaluate.output.join('\n');
    expect(output).toMatch(/line 2: label "happiness"/);
    expect(output).toContain('(INPUT_INVALID)');
    expect(output).not.toContain('unexpected failure');
  });

  it('a six-label file is scored six ways and counts what the model called neutral; a file with neutral rows is scored seven ways', async () => {
    const file = `${GENERATED_DIR}eval-unreadable.txt`;
    // A bare link is no text the classifier can read: the model calls it neutral.
    writeFileSync(file, `${[...EVAL_LINES, 'https://example.com/x;anger'].join('\n')}\n`);
    const sixWay = new FeelbotProcess(['eval', file], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await sixWay.waitForExit()).toBe(0);
    const six = resultLine(sixWay) as { scored: string; neutral_predicted: number; confusion: Record<string, Record<string, number>> };
    expect(six).toMatchObject({ scored: 'six-way', neutral_predicted: 1 });
    expect(Object.keys(six.confusion)).toEqual([...EMOTIONS]);
    const withNeutral = `${GENERATED_DIR}eval-seven.txt`;
    writeFileSync(withNeutral, `${[...EVAL_LINES, 'https://example.com/x;anger', 'ok see you at 5;neutral'].join('\n')}\n`);
    const sevenWay = new FeelbotProcess(['eval', withNeutral], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await sevenWay.waitForExit()).toBe(0);
    const seven = resultLine(sevenWay) as { scored: string; confusion: Record<string, Record<string, number>> };
    expect(seven.scored).toBe('seven-way');
    expect(seven.confusion.anger!.neutral).toBe(1);
  });

  it('a row the model cannot read (a bare link, another script) is no sadness: six ways a miss for its gold label, seven ways neutral; unreadable_rows counts it', async () => {
    // Its six even scores would otherwise make it sadness, the first of them.
    const unreadable = ['https://example.com/x;sadness', 'Мне сегодня очень грустно;sadness', '我今天很生气;anger'];
    const file = `${GENERATED_DIR}eval-unreadable-rows.txt`;
    writeFileSync(file, `${[...EVAL_LINES, ...unreadable].join('\n')}\n`);
    const sixWay = new FeelbotProcess(['eval', file], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await sixWay.waitForExit()).toBe(0);
    type Report = { n: number; unreadable_rows: number; per_label: Record<string, { recall: number; support: number }>; confusion: Record<string, Record<string, number>> };
    const six = resultLine(sixWay) as Report;
    expect(six).toMatchObject({ n: 9, scored: 'six-way' });
    // In the support, lowering recall; in no cell of the confusion matrix, so in no label's precision.
    expect(six.per_label.sadness!.support).toBe(3);
    expect(six.per_label.sadness!.recall).toBeLessThanOrEqual(1 / 3);
    expect(six.per_label.anger!.support).toBe(2);
    expect(Object.values(six.confusion).reduce((sum, row) => sum + row.sadness!, 0)).toBeLessThanOrEqual(1);
    expect(Object.values(six.confusion).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0)).toBe(EVAL_LINES.length);
    expect(six.unreadable_rows).toBe(3);
    const withNeutral = `${GENERATED_DIR}eval-unreadable-rows-seven.txt`;
    writeFileSync(withNeutral, `${[...EVAL_LINES, ...unreadable, 'ok see you at 5;neutral'].join('\n')}\n`);
    const sevenWay = new FeelbotProcess(['eval', withNeutral], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await sevenWay.waitForExit()).toBe(0);
    const seven = resultLine(sevenWay) as Report;
    expect(seven).toMatchObject({ scored: 'seven-way', unreadable_rows: 3 });
    expect(seven.confusion.sadness!.neutral).toBe(2);
    expect(seven.confusion.anger!.neutral).toBe(1);
  });

  it('eval with an empty --plot or a second file answers with its usage and exit code 2', async () => {
    const file = `${GENERATED_DIR}eval-usage.txt`;
    writeFileSync(file, `${EVAL_LINES.join('\n')}\n`);
    for (const args of [[file, '--plot='], [file, `${file}.other`]]) {
      const evaluate = new FeelbotProcess(['eval', ...args], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
      expect(await evaluate.waitForExit(), args.join(' ')).toBe(2);
      expect(evaluate.output.join('\n')).toContain('Usage: feelbot eval <file>');
    }
  });

  it('eval prints its report even when the plot cannot be written, then names that failure with its code', async () => {
    const file = `${GENERATED_DIR}eval-plot-blocked.txt`;
    writeFileSync(file, `${EVAL_LINES.join('\n')}\n`);
    // The plot's folder would have to be the evaluation file itself.
    const evaluate = new FeelbotProcess(['eval', file, '--plot', `${file}/confusion.png`], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await evaluate.waitForExit()).toBe(1);
    expect((resultLine(evaluate) as { n: number }).n).toBe(EVAL_LINES.length);
    const output = evaluate.output.join('\n');
    expect(output).toContain('(OUTPUT_UNWRITABLE)');
    // A part of the plot's folder is a file: said as such, not as mkdir's EEXIST.
    expect(output).toContain('(ENOTDIR)');
    expect(output).not.toContain('unexpected failure');
  });

  it('eval refuses a file with no text;label lines instead of scoring nothing as 0', async () => {
    const file = `${GENERATED_DIR}eval-empty.txt`;
    writeFileSync(file, 'text;label\n\n\n');
    const evaluate = new FeelbotProcess(['eval', file], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await evaluate.waitForExit()).toBe(1);
    const output = evaluate.output.join('\n');
    expect(output).toContain('has no text;label lines');
    expect(output).toContain('(INPUT_INVALID)');
    expect(output).not.toContain('"accuracy"');
  });

  it("a .env holding a worker's bad REDIS_URL does not stop analyze, which does not read it: a warning names it; a bad EMOTION_BACKEND does stop it", async () => {
    const envFile = `${GENERATED_DIR}stray.env`;
    writeFileSync(envFile, 'REDIS_URL=localhost:6379\nHTTP_PORT=eighty\n');
    const analyze = new FeelbotProcess(['analyze', 'I finally got the job!'], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL, FEELBOT_ENV_FILE: envFile });
    expect(await analyze.waitForExit()).toBe(0);
    expect(resultLine(analyze).emotion).toBe('joy');
    const warning = analyze.logs.find((line) => line.level === 'warn');
    expect(warning?.code).toBe('CONFIG_INVALID');
    expect((warning?.problems as string[]).map((problem) => problem.split(':')[0]).sort()).toEqual(['HTTP_PORT', 'REDIS_URL']);

    writeFileSync(envFile, 'REDIS_URL=localhost:6379\nEMOTION_BACKEND=gpu\n');
    const refused = new FeelbotProcess(['analyze', 'I finally got the job!'], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL, FEELBOT_ENV_FILE: envFile });
    expect(await refused.waitForExit()).toBe(1);
    const output = refused.output.join('\n');
    expect(output).toContain('EMOTION_BACKEND');
    expect(output).toContain('CONFIG_INVALID');
    expect(output).not.toContain('REDIS_URL');
  });

  it('eval names a file it cannot read, with an error code and no stack trace', async () => {
    const evaluate = new FeelbotProcess(['eval', `${GENERATED_DIR}no-such-file.txt`], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await evaluate.waitForExit()).toBe(1);
    const output = evaluate.output.join('\n');
    expect(output).toContain('Cannot read the evaluation file');
    expect(output).toContain('ENOENT');
    expect(output).toContain('(INPUT_UNREADABLE)');
    expect(output).not.toContain('unexpected failure');
  });

  it('eval answers an unknown option with its usage and exit code 2', async () => {
    const evaluate = new FeelbotProcess(['eval', '--plt', 'x.png', 'file.txt'], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await evaluate.waitForExit()).toBe(2);
    const output = evaluate.output.join('\n');
    expect(output).toContain("Unknown option '--plt'");
    expect(output).toContain('Usage: feelbot eval <file> [--plot confusion.png]');
    expect(output).not.toContain('unexpected failure');
  });

  it('analyze --help prints its usage instead of analysing the word', async () => {
    const analyze = new FeelbotProcess(['analyze', '--help'], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await analyze.waitForExit()).toBe(0);
    const output = analyze.output.join('\n');
    expect(output).toContain('Usage: feelbot analyze "<text>"');
    expect(output).not.toContain('"scores"');
  });

  it('analyze reads the bare word "help" as text, -- lets a text start with a dash, and -h asks for the usage', async () => {
    for (const args of [['help'], ['--', '--help']]) {
      const analyze = new FeelbotProcess(['analyze', ...args], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
      expect(await analyze.waitForExit(), args.join(' ')).toBe(0);
      expect(Object.keys(resultLine(analyze)).sort()).toEqual(['confidence', 'emotion', 'neutral', 'scores']);
    }
    const help = new FeelbotProcess(['analyze', '-h'], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await help.waitForExit()).toBe(0);
    expect(help.output.join('\n')).toContain('Usage: feelbot analyze "<text>"');
  });

  it('analyze answers an option it does not know with USAGE_INVALID and exit code 2, analysing nothing; after -- it is text', async () => {
    for (const args of [['--json', 'I finally got the job!'], ['-x', 'I finally got the job!'], ['I finally got the job!', '--json']]) {
      const analyze = new FeelbotProcess(['analyze', ...args], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
      expect(await analyze.waitForExit(), args.join(' ')).toBe(2);
      const output = analyze.output.join('\n');
      expect(output, args.join(' ')).toContain('USAGE_INVALID');
      expect(output, args.join(' ')).toContain('Usage: feelbot analyze "<text>"');
      expect(analyze.logs.filter((line) => line.level === undefined), args.join(' ')).toEqual([]);
    }
    for (const args of [['--', '--json', 'I finally got the job!'], ['I finally got the job', '-', 'yes!']]) {
      const analyze = new FeelbotProcess(['analyze', ...args], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
      expect(await analyze.waitForExit(), args.join(' ')).toBe(0);
      expect(resultLine(analyze).emotion, args.join(' ')).toBe('joy');
    }
  });

  it('feelbot help and feelbot --help list the commands on stdout; an unknown command gets them on stderr', () => {
    const run = (arg: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', CLI, arg], {
        cwd: fileURLToPath(new URL('../../', import.meta.url)),
        env: { ...withoutFeelbotEnv(process.env), FEELBOT_ENV_FILE: '' },
        encoding: 'utf8',
      });
    for (const flag of ['help', '--help']) {
      const help = run(flag);
      expect(help.status, flag).toBe(0);
      expect(help.stdout, flag).toContain('Usage: feelbot <command>');
      expect(help.stderr, flag).toBe('');
    }
    const unknown = run('fly');
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('Usage: feelbot <command>');
  });

  it('analyze refuses a text over 4,000 characters with INPUT_INVALID, naming the limit and its length; exactly 4,000 is read', async () => {
    const sentence = 'i feel so happy today. ';
    const text = sentence.repeat(Math.ceil(4_000 / sentence.length)).slice(0, 4_000);
    const tooLong = new FeelbotProcess(['analyze', `${text}!`], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await tooLong.waitForExit()).toBe(1);
    const output = tooLong.output.join('\n');
    expect(output).toContain('The text is 4,001 characters long; feelbot reads at most 4,000, as Discord counts them (an emoji is one)');
    expect(output).toContain('(INPUT_INVALID)');
    expect(output).not.toContain('"scores"');
    const atLimit = new FeelbotProcess(['analyze', text], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await atLimit.waitForExit()).toBe(0);
    expect(resultLine(atLimit).emotion).toBe('joy');
    // 4,000 characters with emoji in them, as Discord counts them (4,166 UTF-16 units): read too.
    const withEmoji = [...'i feel so happy today \u{1F600} '.repeat(200)].slice(0, 4_000).join('');
    expect(withEmoji.length).toBeGreaterThan(4_000);
    const emojiAtLimit = new FeelbotProcess(['analyze', withEmoji], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await emojiAtLimit.waitForExit()).toBe(0);
    expect(resultLine(emojiAtLimit).emotion).toBe('joy');
  });

  it('eval reads a row over 4,000 characters by its newest 4,000, as the bot reads a message, and counts such rows in long_rows', async () => {
    const file = `${GENERATED_DIR}eval-long-row.txt`;
    // Joy first, fear in the newest 4,000 characters: read from the end, the row is fear.
    const long = `${'i am so happy and grateful today. '.repeat(150)}${'i feel terrified and scared of what comes next. '.repeat(90)}`;
    expect(long.length).toBeGreaterThan(8_000);
    writeFileSync(file, [EVAL_LINES[0], `${long};fear`].join('\n'));
    const evaluate = new FeelbotProcess(['eval', file], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await evaluate.waitForExit()).toBe(0);
    const report = resultLine(evaluate);
    expect(report).toMatchObject({ n: 2, accuracy: 1, long_rows: 1 });
  });

  it('eval reads a file with old Mac line ends (a lone CR) as one row per line', async () => {
    const file = `${GENERATED_DIR}eval-cr.txt`;
    writeFileSync(file, 'i feel so happy today;joy\ri am terrified of tomorrow;fear\rok see you at 5;neutral\r');
    const evaluate = new FeelbotProcess(['eval', file], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await evaluate.waitForExit()).toBe(0);
    expect((resultLine(evaluate) as { n: number }).n).toBe(3);
  });

  it('eval reads a UTF-16 file with a byte-order mark (Notepad\'s "Unicode") and refuses Latin-1, saying to save as UTF-8', async () => {
    const utf16 = `${GENERATED_DIR}eval-utf16.txt`;
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${EVAL_LINES.join('\r\n')}\r\n`, 'utf16le')]));
    const evaluate = new FeelbotProcess(['eval', utf16], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await evaluate.waitForExit()).toBe(0);
    expect((resultLine(evaluate) as { n: number }).n).toBe(EVAL_LINES.length);

    const latin1 = `${GENERATED_DIR}eval-latin1.txt`;
    writeFileSync(latin1, Buffer.from('i feel so happy in the caf\u00e9 today;joy\n', 'latin1'));
    const refused = new FeelbotProcess(['eval', latin1], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL });
    expect(await refused.waitForExit()).toBe(1);
    const output = refused.output.join('\n');
    expect(output).toContain('has bytes that are not UTF-8 (first at line 1). Save it as UTF-8');
    expect(output).toContain('(INPUT_UNREADABLE)');
    expect(output).not.toContain('"accuracy"');
  });

  it('with EMOTION_BACKEND=llm, every line of an evaluation file gets a valid label', async () => {
    const file = `${GENERATED_DIR}eval-llm.txt`;
    writeFileSync(file, `${EVAL_LINES.join('\n')}\n`);
    const evaluate = new FeelbotProcess(['eval', file], { EMOTION_BACKEND: 'llm', LLM_MODEL: tinyModelPath(), LLM_GPU: 'cpu' });
    expect(await evaluate.waitForExit()).toBe(0);
    const report = resultLine(evaluate) as { n: number; confusion: Record<string, Record<string, number>> };
    expect(report.n).toBe(6);
    // Every prediction landed in a column of the six labels: nothing fell outside the matrix.
    expect(Object.values(report.confusion).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0)).toBe(6);
  });
});

describe('feelbot synth', () => {
  it('writes unique text;label lines for each emotion with the LLM, in a format the training script reads', async () => {
    const out = `${GENERATED_DIR}synth-sample.txt`;
    const synth = new FeelbotProcess(['synth', '--per-emotion', '2', '--out', out], { LLM_MODEL: tinyModelPath(), LLM_GPU: 'cpu' });
    expect(await synth.waitForExit()).toBe(0);
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const cut = line.lastIndexOf(';');
      expect(line.indexOf(';')).toBe(cut);
      expect(EMOTIONS).toContain(line.slice(cut + 1));
      expect(line.slice(0, cut).trim().length).toBeGreaterThan(0);
    }
    const texts = lines.map((line) => line.slice(0, line.lastIndexOf(';')).toLowerCase().replace(/\s+/g, ''));
    expect(new Set(texts).size).toBe(texts.length);
  }, 120_000);

  it('an --out it cannot write fails with OUTPUT_UNWRITABLE before loading the model', async () => {
    const out = `${GENERATED_DIR}no-such-dir/synth.txt`;
    const synth = new FeelbotProcess(['synth', '--per-emotion', '1', '--out', out], { LLM_MODEL: '/nonexistent/model.gguf', LLM_GPU: 'cpu' });
    expect(await synth.waitForExit()).toBe(1);
    const output = synth.output.join('\n');
    expect(output).toContain('OUTPUT_UNWRITABLE');
    expect(output).toContain(out);
    expect(output).not.toContain('MODEL_NOT_FOUND');
  });

  it('a write that fails mid-run is OUTPUT_UNWRITABLE, not an unexpected failure', async () => {
    const synth = new FeelbotProcess(['synth', '--per-emotion', '1', '--out', '/dev/full'], { LLM_MODEL: tinyModelPath(), LLM_GPU: 'cpu' });
    expect(await synth.waitForExit()).toBe(1);
    const output = synth.output.join('\n');
    expect(output).toContain('OUTPUT_UNWRITABLE');
    expect(output).toContain('ENOSPC');
    expect(output).not.toContain('unexpected failure');
  }, 120_000);
});

/** A chat that has not exited by then is stuck; it is killed, and its exit code is null. */
const CHAT_EXIT_MS = 90_000;

/** Runs `feelbot chat` on the tiny models, types `lines` into it, and waits for it to exit. */
async function chat(redis: PrivateRedis, prefix: string, lines: readonly string[], env: Record<string, string> = {}) {
  const { child, output } = startChat(redis, prefix, env);
  for (const line of lines) child.stdin.write(`${line}\n`);
  child.stdin.end();
  const code = await exitOf(child);
  return { code, ...output() };
}

/** The exit code of `child`, or null once it has been killed for not exiting within CHAT_EXIT_MS. */
async function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  const stuck = setTimeout(() => child.kill('SIGKILL'), CHAT_EXIT_MS);
  return new Promise<number | null>((resolve) => child.once('exit', resolve)).finally(() => clearTimeout(stuck));
}

/** `feelbot chat` on the tiny models, its input left open; `output` reads what it has printed so far. */
function startChat(redis: PrivateRedis, prefix: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'chat'], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    env: {
      ...withoutFeelbotEnv(process.env),
      FEELBOT_ENV_FILE: '',
      DISCORD_TOKEN: '',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      EMOTION_MODEL: SHIPPED_EMOTION_MODEL,
      LLM_MODEL: tinyModelPath(),
      LLM_GPU: 'cpu',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, output: () => ({ stdout, stderr }) };
}

describe('feelbot chat', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('answers each line with the detected emotion and the persona, through the queue and worker, with no Discord', async () => {
    // A live deployment's jobs on the same Redis and prefix: the terminal worker must leave them be.
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const production = new MessageQueue(connection, '{chat-test}');
    const discordJob = buildMessageJob({ messageId: snowflake(), channelId: snowflake(), content: 'a Discord message waiting for a worker' });
    const discordJobId = await production.enqueueDebounced(discordJob, 'burst-discord', 60_000);
    await (await production.queue.getJob(discordJobId))!.promote();
    const { code, stdout } = await chat(redis, '{chat-test}', ['I got the job, I am so happy!', 'but I am scared of my new boss']);
    expect(code).toBe(0);
    // A reply may span lines; each turn starts with its detected emotion and the persona's name.
    const turns = stdout.split('\n').filter((line) => /^\(\w+ \d+%\) (Sadness|Joy|Love|Anger|Fear|Surprise): /.test(line));
    expect(turns).toHaveLength(2);
    expect(turns[0]).toMatch(/^\(joy \d+%\) \w+: ./);
    expect(turns[1]).toMatch(/^\(fear \d+%\) \w+: ./);
    try {
      const left = await production.queue.getJob(discordJobId);
      expect(await left!.getState()).toBe('prioritized');
      expect(left!.attemptsMade).toBe(0);
    } finally {
      await production.close();
      connection.disconnect();
    }
  }, 120_000);

  it('Ctrl-C (SIGINT) or SIGTERM ends a session whose input is still open, as Ctrl-D does, with exit code 0', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const { child, output } = startChat(redis, `{chat-${signal.toLowerCase()}}`);
      child.stdin.write('I got the job, I am so happy!\n');
      // Answered: the session is up and waiting for the next line.
      await vi.waitFor(() => expect(output().stdout).toMatch(/^\(joy \d+%\) /m), { timeout: 60_000, interval: 100 });
      child.kill(signal);
      // Before the fix it ignored the signal until main's 30 s forced exit, which exits with 1.
      expect(await exitOf(child), `${signal}\n${output().stderr}`).toBe(0);
    }
  }, 180_000);

  it('refuses a line over 4,000 characters with INPUT_INVALID and goes on answering the next lines', async () => {
    const { code, stdout, stderr } = await chat(redis, '{chat-long-line}', ['a'.repeat(4_001), 'I got the job, I am so happy!', 'I am so happy for you!']);
    expect(stderr).not.toContain('unexpected failure');
    expect(code).toBe(0);
    expect(stdout).toContain('(not sent: The line is 4,001 characters; feelbot reads at most 4,000, as Discord does. Shorten it. (INPUT_INVALID))');
    const turns = stdout.split('\n').filter((line) => /^\(\w+ \d+%\) (Sadness|Joy|Love|Anger|Fear|Surprise): /.test(line));
    expect(turns).toHaveLength(2);
  }, 120_000);

  it('a missing model file ends it at start-up with MODEL_NOT_FOUND, instead of leaving it hung on its Redis connections', async () => {
    const { code, stderr } = await chat(redis, '{chat-missing-model}', ['hello'], { LLM_MODEL: '/nonexistent/model.gguf' });
    expect(stderr).toContain('MODEL_NOT_FOUND');
    expect(stderr).toContain('/nonexistent/model.gguf');
    expect(code).toBe(1);
  }, 120_000);

  it('a persona whose LoRA adapter is missing stops it at start-up with MODEL_NOT_FOUND, naming the persona and the path', async () => {
    const personasFile = `${GENERATED_DIR}chat-missing-lora.json`;
    const loraPath = `${GENERATED_DIR}no-such-chat-lora.gguf`;
    writeFileSync(personasFile, JSON.stringify({ personas: { joy: { lora: loraPath } } }));
    const { code, stderr } = await chat(redis, '{chat-missing-lora}', ['hello'], { PERSONAS_FILE: personasFile });
    expect(code).toBe(1);
    expect(stderr).toContain('MODEL_NOT_FOUND');
    expect(stderr).toContain('Persona joy');
    expect(stderr).toContain(loraPath);
    expect(stderr).not.toContain('unexpected failure');
  }, 120_000);
});
