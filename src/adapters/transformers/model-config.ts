import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { OnnxDtype } from './onnx-dtype.js';

/** The parts of a local model folder's config.json that feelbot reads. */
export interface ModelConfig {
  id2label?: Record<string, string>;
  /** Set by feelbot's training script: the model expects text through normalizeChatText. */
  feelbot_normalizer?: string;
  /** Set by feelbot's training script: the weights its folder is read at unless EMOTION_DTYPE says otherwise. */
  feelbot_default_dtype?: OnnxDtype;
  /** A subfolder holding a second model for texts with no feel-word (see RoutedClassifier). */
  feelbot_no_feel_word_reader?: string;
  /** transformers.js's own settings for the model; its `dtype` names the weights it loads by default. */
  'transformers.js_config'?: { dtype?: unknown };
}

/** A folder feelbot's training script wrote, which `training/train_classifier.py` can write again. */
export function isFeelbotFolder(config: ModelConfig): boolean {
  return config.feelbot_normalizer !== undefined || config.feelbot_default_dtype !== undefined;
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
