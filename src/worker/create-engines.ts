import { createLlamaReplyGenerator } from '../adapters/llama/llama-reply-generator.js';
import type { LlamaRuntime } from '../adapters/llama/llama-runtime.js';
import { loadLlamaRuntime } from './load-llama-runtime.js';
import { createLlmEmotionClassifier } from '../adapters/llama/llm-emotion-classifier.js';
import { BatchingClassifier } from '../classifier/batching-classifier.js';
import { InstrumentedClassifier } from '../classifier/instrumented-classifier.js';
import type { Config } from '../config.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import type { ReplyGenerator } from '../ports/reply-generator.js';
import { createOnnxClassifier } from './create-classifier.js';

/** The models a worker holds: one llama.cpp model, one classifier, both loaded once. */
export interface Engines {
  readonly runtime: LlamaRuntime;
  readonly generator: ReplyGenerator;
  readonly classifier: EmotionClassifier;
  dispose(): Promise<void>;
}

/** Loads everything before the first job, so a missing or corrupt model fails at start-up. */
export async function createEngines(config: Config, logger: Logger, metrics: Metrics): Promise<Engines> {
  const runtime = await loadLlamaRuntime(config, logger);
  const disposers: Array<() => Promise<void>> = [];
  try {
    const generator = await createLlamaReplyGenerator(runtime.model, {
      sequences: config.llm.sequences,
      contextSize: config.llm.contextSize,
      timeoutMs: config.llm.timeoutMs,
    });
    disposers.push(() => generator.dispose());
    const inner =
      config.emotion.backend === 'llm'
        ? await createLlmEmotionClassifier(runtime.model)
        : await createOnnxClassifier(config, logger);
    const classifier = new BatchingClassifier(new InstrumentedClassifier(inner, metrics));
    disposers.push(() => classifier.dispose());
    return {
      runtime,
      generator,
      classifier,
      async dispose() {
        for (const dispose of disposers.reverse()) await dispose().catch(() => undefined);
        await runtime.dispose();
      },
    };
  } catch (error) {
    for (const dispose of disposers.reverse()) await dispose().catch(() => undefined);
    await runtime.dispose();
    throw error;
  }
}
