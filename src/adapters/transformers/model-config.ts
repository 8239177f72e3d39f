import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, FeelbotError } from '../../errors.js';

/** The parts of a local model folder's config.json that feelbot reads. */
export interface ModelConfig {
  id2label?: Record<string, string>;
  /** Set by feelbot's training script: the model expects text through normalizeChatText. */
  feelbot_normalizer?: string;
  feelbot_default_dtype?: 'fp32' | 'q8';
  /** A subfolder holding a second model for texts with no feel-word (see RoutedClassifier). */
  feelbot_no_feel_word_reader?: string;
}

export async function readModelConfig(dir: string): Promise<ModelConfig> {
  try {
    return JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as ModelConfig;
  } catch (cause) {
    throw new FeelbotError(ErrorCodes.ModelCorrupt, `${join(dir, 'config.json')} is not valid JSON.`, {
      cause,
      userFacing: true,
      permanent: true,
    });
  }
}
