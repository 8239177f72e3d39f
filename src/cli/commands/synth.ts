import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createLlmSentenceSource } from '../../adapters/llama/llm-sentence-source.js';
import { synthesizeTrainingData } from '../../adapters/llama/synthesize-training-data.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { loadLlamaRuntime } from '../../worker/load-llama-runtime.js';
import type { Command } from '../command.js';

const USAGE = 'synth --per-emotion N --out file.txt';

export const synthCommand: Command = {
  name: 'synth',
  usage: USAGE,
  summary: 'write synthetic text;label training sentences with LLM_MODEL (JSON-schema constrained, deduplicated)',
  async run({ args, config, logger }) {
    const { values } = parseArgs({ args: [...args], options: { 'per-emotion': { type: 'string' }, out: { type: 'string' } } });
    const perEmotion = Number(values['per-emotion']);
    if (!Number.isInteger(perEmotion) || perEmotion < 1 || !values.out) {
      throw new FeelbotError(ErrorCodes.ConfigInvalid, `Usage: feelbot ${USAGE}`, { userFacing: true });
    }
    const runtime = await loadLlamaRuntime(config, logger);
    try {
      const source = await createLlmSentenceSource(runtime.model);
      try {
        const lines = await synthesizeTrainingData({ source: source.source, perEmotion });
        await writeFile(values.out, lines.length ? `${lines.join('\n')}\n` : '');
        process.stdout.write(`Wrote ${lines.length} sentences to ${values.out}.\n`);
      } finally {
        await source.dispose();
      }
    } finally {
      await runtime.dispose();
    }
  },
};
