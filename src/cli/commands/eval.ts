import { readFile } from 'node:fs/promises';
import { classifyEachSettled, isFailedText, type SettledAnalysis } from '../../classifier/classify-each-settled.js';
import { NewestCharsClassifier } from '../../classifier/newest-chars-classifier.js';
import { characterCount, MAX_MESSAGE_CHARS } from '../../domain/message-limits.js';
import { classificationReport, NO_PREDICTION, type ClassificationReport } from '../../domain/classification-metrics.js';
import { EMOTIONS, NEUTRAL } from '../../domain/emotions.js';
import { parseLabelledLines, type LabelledText } from '../../domain/labelled-text.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { EmotionAnalysis } from '../../ports/emotion-classifier.js';
import type { Logger } from '../../ports/logger.js';
import { CLASSIFIER_SETTINGS, createClassifier } from '../../worker/create-classifier.js';
import type { Command } from '../command.js';
import { parseCommandArguments } from '../command-arguments.js';
import { decodeTextFile } from '../decode-text-file.js';

/** Big enough to amortise ONNX Runtime's per-call cost, small enough to keep memory flat. */
const EVAL_BATCH = 64;
const USAGE = 'eval <file> [--plot confusion.png]';
const EVAL_ARGUMENTS = { options: { plot: { type: 'string' } }, maxPositionals: 1 } as const;

/** The file name that means standard input, as in `… | feelbot eval -`; a file named "-" is `./-`. */
const STDIN = '-';

/** What error messages call the input, after "the": "evaluation file data.txt" or "evaluation input on stdin". */
function inputName(file: string): string {
  return file === STDIN ? 'evaluation input on stdin' : `evaluation file ${file}`;
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The file's text, or all of stdin's for `-`, decoded alike (UTF-8 or marked UTF-16, any line ends). */
async function readInput(file: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = file === STDIN ? await readStdin() : await readFile(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new FeelbotError(ErrorCodes.InputUnreadable, `Cannot read the ${inputName(file)} (${reason})`, {
      userFacing: true,
      permanent: true,
      cause: error,
    });
  }
  return decodeTextFile(bytes, `The ${inputName(file)}`);
}

async function writePlot(path: string, report: ClassificationReport, labels: readonly string[]): Promise<void> {
  const { writeConfusionPlot } = await import('../../adapters/images/confusion-plot.js');
  try {
    await writeConfusionPlot(path, report, labels);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new FeelbotError(ErrorCodes.OutputUnwritable, `Cannot write the confusion plot to ${path} (${reason}); the report above is complete`, {
      userFacing: true,
      permanent: true,
      cause: error,
    });
  }
}

/**
 * The label a row is scored as. Seven ways, a neutral analysis (an unreadable one too) is neutral.
 * Six ways, an unreadable text's six even scores name no emotion (their top is only the first of
 * six), so it is no prediction: a miss for its gold label that lowers no label's precision, and
 * left out of the confusion matrix while it stays in `n` and support.
 */
function predictionOf(analysis: EmotionAnalysis, withNeutral: boolean): string | null {
  if (withNeutral) return analysis.neutral ? NEUTRAL : analysis.emotion;
  return analysis.unreadable ? NO_PREDICTION : analysis.emotion;
}

/**
 * Logs the rows the model failed to read for good, by line number (never their text), with the
 * first one's reason; each is scored as no prediction, a miss either way, and counted in failed_rows.
 */
function logFailedRows(logger: Logger, rows: readonly LabelledText[], results: readonly SettledAnalysis[]): void {
  const failed = rows.filter((_, index) => isFailedText(results[index]!));
  if (failed.length === 0) return;
  const first = results.find(isFailedText)!;
  logger.warn(
    // The reason without its stack: the model's fault, not feelbot's, and the same for every row.
    { code: first.code, lines: failed.map((row) => row.line), reason: first.message },
    `the classifier failed to read ${failed.length} of ${rows.length} rows; each is scored as a miss, with no prediction`,
  );
}

export const evalCommand: Command = {
  name: 'eval',
  usage: USAGE,
  summary:
    'score the classifier on text;label lines from <file>, or stdin for -; JSON on stdout, macro_f1 averaging F1 over the labels in the gold labels or the predictions (as scikit-learn; per_label lists all)',
  reads: CLASSIFIER_SETTINGS,
  accepts: EVAL_ARGUMENTS,
  async run({ args, config, logger }) {
    const { positionals, values } = parseCommandArguments(args, EVAL_ARGUMENTS);
    const [file] = positionals;
    if (!file) throw new FeelbotError(ErrorCodes.UsageInvalid, `Usage: feelbot ${USAGE}`, { userFacing: true });
    if (values.plot !== undefined && values.plot.trim() === '') {
      throw new FeelbotError(ErrorCodes.UsageInvalid, `--plot needs a file name\nUsage: feelbot ${USAGE}`, { userFacing: true });
    }
    // Checked before the model loads: a bad line is the file's mistake, found at once.
    const rows = parseLabelledLines(await readInput(file), {
      // Only its number: the column names are the file's words, and a file's text stays out of the logs.
      onHeader: (line) => logger.info({ line }, `line ${line} was taken as a header naming the columns, not scored`),
    });
    if (rows.length === 0) {
      throw new FeelbotError(ErrorCodes.InputInvalid, `The ${inputName(file)} has no text;label lines to score`, { userFacing: true, permanent: true });
    }
    // A row longer than a Discord message is read as the bot reads one: by its newest 4,000 characters.
    const classifier = new NewestCharsClassifier(await createClassifier(config, logger));
    const results: SettledAnalysis[] = [];
    // On stderr with the logs: a large file takes minutes, and stdout holds only the report.
    logger.info({ rows: rows.length }, `evaluating ${rows.length} rows`);
    try {
      for (let start = 0; start < rows.length; start += EVAL_BATCH) {
        results.push(...(await classifyEachSettled(classifier, rows.slice(start, start + EVAL_BATCH).map((row) => row.text))));
      }
    } finally {
      await classifier.dispose();
    }
    // A model that fails on every row is broken, not scored: its error, rather than a report of misses.
    const failures = results.filter(isFailedText);
    if (failures.length === results.length) throw failures[0]!;
    logFailedRows(logger, rows, results);
    const analyses = results.filter((result): result is EmotionAnalysis => !isFailedText(result));
    // A file with neutral gold labels scores seven ways; a six-label file scores the six emotions
    // (each row's top emotion), and says how many rows the model called neutral.
    const withNeutral = rows.some((row) => row.label === NEUTRAL);
    const labels = withNeutral ? [...EMOTIONS, NEUTRAL] : [...EMOTIONS];
    // A row the model failed to read is no prediction, seven ways too: in n and its label's support, in no cell.
    const predicted = results.map((result) => (isFailedText(result) ? NO_PREDICTION : predictionOf(result, withNeutral)));
    const report = {
      ...classificationReport(rows.map((row) => row.label), predicted, labels),
      scored: withNeutral ? 'seven-way' : 'six-way',
      neutral_predicted: analyses.filter((analysis) => analysis.neutral).length,
      unreadable_rows: analyses.filter((analysis) => analysis.unreadable).length,
      failed_rows: results.length - analyses.length,
      long_rows: rows.filter((row) => characterCount(row.text) > MAX_MESSAGE_CHARS).length,
    };
    // The report first: a plot that cannot be written must not throw the scoring away.
    process.stdout.write(`${JSON.stringify(report)}\n`);
    if (values.plot !== undefined) await writePlot(values.plot, report, labels);
  },
};
