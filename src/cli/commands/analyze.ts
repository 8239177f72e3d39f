import { createClassifier } from '../../worker/create-classifier.js';
import { FeelbotError, ErrorCodes } from '../../errors.js';
import type { Command } from '../command.js';

export const analyzeCommand: Command = {
  name: 'analyze',
  usage: 'analyze "<text>"',
  summary: 'print the emotion scores of a text as JSON',
  async run({ args, config, logger }) {
    const text = args.join(' ').trim();
    if (!text) {
      throw new FeelbotError(ErrorCodes.MessageEmpty, 'Give a text to analyze: feelbot analyze "I got the job!"', {
        userFacing: true,
      });
    }
    const classifier = await createClassifier(config, logger);
    try {
      const [analysis] = await classifier.classify([text]);
      process.stdout.write(`${JSON.stringify(analysis)}\n`);
    } finally {
      await classifier.dispose();
    }
  },
};
