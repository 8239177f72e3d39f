import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RoutedClassifier } from '../../classifier/routed-classifier.js';
import { namesAFeeling } from '../../domain/names-a-feeling.js';
import { normalizeChatText } from '../../domain/normalize-chat-text.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { EmotionClassifier } from '../../ports/emotion-classifier.js';
import { readModelConfig } from './model-config.js';
import { locateModel } from './model-location.js';
import { TransformersClassifier, type TransformersClassifierOptions } from './transformers-classifier.js';

/** A loaded emotion model: its classifier, and which label mapping read the model's own labels. */
export interface EmotionModel extends EmotionClassifier {
  /** A KNOWN_LABEL_MAPPINGS key, or "custom" for the operator's EMOTION_LABEL_MAP. */
  readonly labelMappingName: string;
}

/**
 * The classifier EMOTION_MODEL names. A local feelbot folder whose config.json names a
 * `feelbot_no_feel_word_reader` subfolder becomes two readers: texts that name their feeling go to
 * the folder's own model, the rest (most chat, self-reports, dialogue) to the subfolder's.
 */
export async function loadEmotionModel(options: TransformersClassifierOptions): Promise<EmotionModel> {
  const location = locateModel(options.model);
  if (location.kind === 'hub') return TransformersClassifier.load(options);
  const reader = (await readModelConfig(location.dir)).feelbot_no_feel_word_reader;
  if (!reader) return TransformersClassifier.load(options);
  const readerDir = join(location.dir, reader);
  if (!existsSync(readerDir)) {
    throw new FeelbotError(
      ErrorCodes.ModelCorrupt,
      `${join(location.dir, 'config.json')} names the no-feel-word reader "${reader}", but ${readerDir} does not exist. ` +
        'Restore the folder from git or retrain it (models/emotion/README.md, "Retrain").',
      { userFacing: true, permanent: true },
    );
  }
  const main = await TransformersClassifier.load(options);
  // The reader is feelbot's own format (our labels, our normaliser) at its own default weights: an
  // operator's label map and a `dtype` choice are for the folder's own model.
  const other = await TransformersClassifier.load({ model: readerDir }).catch(
    async (error: unknown) => {
      await main.dispose();
      throw error;
    },
  );
  // The route reads the whole text, as the readers do: a feel-word anywhere in what they read counts.
  const routed = new RoutedClassifier(main, other, (text) => !namesAFeeling(normalizeChatText(text) || text));
  return {
    labelMappingName: main.labelMappingName,
    classify: (texts) => routed.classify(texts),
    dispose: () => routed.dispose(),
  };
}
