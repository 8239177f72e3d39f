import { join } from 'node:path';
import { loadLabelMap } from '../adapters/files/label-map-file.js';
import { resolveProjectPath } from '../adapters/files/package-root.js';
import { TransformersClassifier } from '../adapters/transformers/transformers-classifier.js';
import type { Config } from '../config.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Logger } from '../ports/logger.js';

/** The ONNX classifier (EMOTION_BACKEND=onnx), loaded once per process. */
export async function createClassifier(config: Config, logger: Logger): Promise<EmotionClassifier> {
  const started = Date.now();
  const classifier = await TransformersClassifier.load({
    model: config.emotion.model,
    cacheDir: join(resolveProjectPath(config.modelsDir), 'hub'),
    labelMapping: await loadLabelMap(config.emotion.labelMapFile),
  });
  logger.info({ model: config.emotion.model, ms: Date.now() - started }, 'emotion classifier loaded');
  return classifier;
}
