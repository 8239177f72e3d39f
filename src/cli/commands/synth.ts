import { appendFile, writeFile } from 'node:fs/promises';
import { createLlmSentenceSource, DefaultLlmSentenceSourceOptions } from '../../adapters/llama/llm-sentence-source.js';
import { synthesizeTrainingData } from '../../adapters/llama/synthesize-training-data.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { loadLlamaRuntime } from '../../worker/load-llama-runtime.js';
import type { Command } from '../command.js';
import { parseCommandArguments } from '../command-arguments.js';

const USAGE = 'synth --per-emotion N --out file.txt';
const SYNTH_ARGUMENTS = { options: { 'per-emotion': { type: 'string' }, out: { type: 'string' } } } as const;

export const synthCommand: Command = {
  name: 'synth',
  usage: USAGE,
  summary: 'write synthetic text;label training sentences with LLM_MODEL (JSON-schema constrained, deduplicated)',
  accepts: SYNTH_ARGUMENTS,
  async run({ args, config, logger }) {
    const { values } = parseCommandArguments(args, SYNTH_ARGUMENTS);
    const perEmotion = Number(values['per-emotion']);
    if (!Number.isInteger(perEmotion) || perEmotion < 1 || !values.out) {
      throw new FeelbotError(ErrorCodes.UsageInvalid, `Usage: feelbot ${USAGE}`, { userFacing: true });
    }
    const out = values.out;
    // An unwritable --out fails now, before the model loads and generates for minutes; an existing
    // file is left as it is until the model has loaded.
    await writeOutput(out, () => appendFile(out, ''));
    // The GPU layers are sized for the one context the sentence source creates, not the worker's reply contexts.
    const runtime = await loadLlamaRuntime(config, logger, DefaultLlmSentenceSourceOptions.contextSize);
    try {
      const source = await createLlmSentenceSource(runtime.model);
      await writeOutput(out, () => writeFile(out, ''));
      try {
        const lines = await synthesizeTrainingData({
          source: source.source,
          perEmotion,
          // Each emotion is saved once done, so a long run that fails later keeps what it made.
          onEmotion: async (_emotion, done) => {
            if (done.length) await writeOutput(out, () => appendFile(out, `${done.join('\n')}\n`));
          },
        });
        process.stdout.write(`Wrote ${lines.length} sentences to ${out}.\n`);
      } finally {
        await source.dispose();
      }
    } finally {
      await runtime.dispose();
    }
  },
};

async function writeOutput(path: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new FeelbotError(ErrorCodes.OutputUnwritable, `Cannot write the training sentences to ${path} (${reason})`, {
      userFacing: true,
      permanent: true,
      cause: error,
    });
  }
}
