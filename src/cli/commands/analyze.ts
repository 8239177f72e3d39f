import { characterCount, MAX_MESSAGE_CHARS } from '../../domain/message-limits.js';
import { CLASSIFIER_SETTINGS, createClassifier } from '../../worker/create-classifier.js';
import { FeelbotError, ErrorCodes } from '../../errors.js';
import type { Command } from '../command.js';
import { FREE_TEXT, parseCommandArguments } from '../command-arguments.js';

function tooLong(length: number): FeelbotError {
  const format = (count: number) => count.toLocaleString('en-US');
  return new FeelbotError(
    ErrorCodes.InputInvalid,
    `The text is ${format(length)} characters long; feelbot reads at most ${format(MAX_MESSAGE_CHARS)}, as Discord counts them (an emoji is one). Shorten it.`,
    { userFacing: true, permanent: true, details: { length, maxChars: MAX_MESSAGE_CHARS } },
  );
}

export const analyzeCommand: Command = {
  name: 'analyze',
  usage: 'analyze "<text>"',
  summary: 'print the emotion scores of a text as JSON (-- before a text that looks like an option, -x or --word)',
  takesText: true,
  accepts: FREE_TEXT,
  reads: CLASSIFIER_SETTINGS,
  async run({ args, config, logger }) {
    const { positionals } = parseCommandArguments(args, FREE_TEXT);
    if (positionals.length === 0) {
      throw new FeelbotError(ErrorCodes.UsageInvalid, 'Usage: feelbot analyze "<text>", for example feelbot analyze "I got the job!"', { userFacing: true });
    }
    const text = positionals.join(' ').trim();
    if (!text) {
      throw new FeelbotError(ErrorCodes.MessageEmpty, 'Give a text to analyze: feelbot analyze "I got the job!"', {
        userFacing: true,
      });
    }
    // Checked before the model loads, and never cut: a silently shortened text gets another answer.
    const length = characterCount(text);
    if (length > MAX_MESSAGE_CHARS) throw tooLong(length);
    const classifier = await createClassifier(config, logger);
    try {
      const [analysis] = await classifier.classify([text]);
      process.stdout.write(`${JSON.stringify(analysis)}\n`);
    } finally {
      await classifier.dispose();
    }
  },
};
