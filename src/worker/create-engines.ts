import { join } from 'node:path';
import { resolveProjectPath } from '../adapters/files/package-root.js';
import { createLlamaReplyGenerator } from '../adapters/llama/llama-reply-generator.js';
import { createLlamaRuntime, type LlamaRuntime } from '../adapters/llama/llama-runtime.js';
import { createLlmEmotionClassifier } from '../adapters/llama/llm-emotion-classifier.js';
import { BatchingClassifier } from '../classifier/batching-classifier.js';
import { InstrumentedClassifier } from '../classifier/instrumented-classifier.js';
import type { Config } from '../config.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import type { ReplyGenerator } from '../ports/reply-generator.js';
import { createClassifier } from './create-classifier.js';

/** The models a worker holds: one llama.cpp model, one classifier, both loaded once. */
export interface Engines {
  readonly runtime: LlamaRuntime;
  readonly generator: ReplyGenerator;
  readonly classifier: EmotionClassifier;
  dispose(): Promise<void>;
}

export async function loadLlamaRuntime(config: Config, logger: Logger): Promise<LlamaRuntime> {
  const started = Date.now();
  const runtime = await createLlamaRuntime({
    model: config.llm.model,
    gpu: config.llm.gpu,
    modelsDir: join(resolveProjectPath(config.modelsDir), 'llm'),
    showProgress: process.stderr.isTTY,
  });
  logger.info({ backend: runtime.backend, model: runtime.modelPath, ms: Date.now() - started }, `llama.cpp is using ${runtime.backend}`);
  return runtime;
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
        : await createClassifier(config, logger);
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
