import { join } from 'node:path';
import { resolveProjectPath } from '../../adapters/files/package-root.js';
import { resolveModel } from '../../adapters/llama/resolve-model.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { createClassifier } from '../../worker/create-classifier.js';
import { unlessStopped, type Command } from '../command.js';
import { parseCommandArguments } from '../command-arguments.js';
import { commandUsage } from '../usage-error.js';

/** The one word `feelbot models` takes, as README documents it. */
const PULL = 'pull';
const MODELS_ARGUMENTS = { maxPositionals: 1 } as const;

export const modelsCommand: Command = {
  name: 'models',
  usage: 'models pull',
  summary: 'download LLM_MODEL (and a hub EMOTION_MODEL) ahead of time, with progress',
  accepts: MODELS_ARGUMENTS,
  async run({ args, config, logger, signal }) {
    const [word] = parseCommandArguments(args, MODELS_ARGUMENTS).positionals;
    if (word !== PULL) {
      const got = word === undefined ? 'none' : `'${word}'`;
      throw new FeelbotError(ErrorCodes.UsageInvalid, `feelbot models takes one word, '${PULL}'; got ${got}\n${commandUsage(modelsCommand).trimEnd()}`, { userFacing: true, permanent: true });
    }
    const llmPath = await resolveModel(config.llm.model, {
      modelsDir: join(resolveProjectPath(config.modelsDir), 'llm'),
      // A progress bar in a terminal; in a pipe or a log file its frames would be noise.
      showProgress: process.stderr.isTTY === true,
      signal,
      onWait: (holder) =>
        logger.info({ model: config.llm.model, holder }, 'another feelbot process is downloading LLM_MODEL; waiting for it to finish'),
    });
    process.stdout.write(`LLM_MODEL ready: ${llmPath}\n`);
    // The classifier is LLM_MODEL itself: loading it would only put it on LLM_GPU, which a machine that fetches models may lack.
    if (config.emotion.backend === 'llm') {
      process.stdout.write('EMOTION_MODEL not needed: EMOTION_BACKEND=llm classifies with LLM_MODEL\n');
      return;
    }
    // Loading the classifier downloads a hub model into the cache; the shipped one is already here.
    // transformers.js takes no signal: a stop ends the wait, and the process with it.
    const classifier = await unlessStopped(createClassifier(config, logger, signal), signal, (late) => late.dispose());
    if (!classifier) throw signal.reason;
    await classifier.dispose();
    process.stdout.write(`EMOTION_MODEL ready: ${config.emotion.model}\n`);
  },
};
