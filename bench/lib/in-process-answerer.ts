import { fileURLToPath } from 'node:url';
import { createLlamaReplyGenerator } from '../../src/adapters/llama/llama-reply-generator.js';
import { createLlamaRuntime } from '../../src/adapters/llama/llama-runtime.js';
import { loadEmotionModel } from '../../src/adapters/transformers/load-emotion-model.js';
import { buildPrompt } from '../../src/domain/build-prompt.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';
import { pickPersona } from '../../src/domain/pick-persona.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from '../../test/support/fixtures.js';
import { loadFigures, offerAtRate, type LoadFigures } from './open-loop.js';

/** The load benchmark's baseline: classify and generate in this process, with no queue, gateway or Discord. */
export interface InProcessAnswerer {
  /** The texts arriving at `rate` per second, each classified and answered with the worker's concurrency. */
  measure(texts: readonly string[], rate: number): Promise<LoadFigures>;
  dispose(): Promise<void>;
}

/** Loads the models as the worker does, and answers one text before returning, so no round times a cold start. */
export async function startInProcessAnswerer(sequences: number): Promise<InProcessAnswerer> {
  // Loaded as the worker loads it (a folder with a second reader gets it here too).
  const classifier = await loadEmotionModel({ model: SHIPPED_EMOTION_MODEL });
  const runtime = await createLlamaRuntime({ model: tinyModelPath(), gpu: 'cpu', modelsDir: fileURLToPath(new URL('../.generated/', import.meta.url)) });
  const generator = await createLlamaReplyGenerator(runtime.model, { sequences, contextSize: 4_096 });
  const answer = async (text: string) => {
    const [analysis] = await classifier.classify([text]);
    const persona = DEFAULT_PERSONAS[pickPersona(analysis!.scores, []) ?? 'joy'];
    // No earlier messages, as the pipeline's CONTEXT_MESSAGES=0: the ratio is the path, not longer prompts.
    const prompt = buildPrompt({ persona, context: [], message: { authorName: 'bench', content: text } });
    await generator.generate({ prompt, sampling: persona.sampling });
  };
  await answer('warm-up: the first call allocates buffers');
  return {
    async measure(texts, rate) {
      const latencies: number[] = [];
      const finishedAt: number[] = [];
      await offerAtRate(texts, rate, async (text) => {
        const sent = performance.now();
        await answer(text);
        finishedAt.push(performance.now());
        latencies.push(performance.now() - sent);
      });
      return loadFigures(latencies, finishedAt);
    },
    async dispose() {
      await generator.dispose();
      await classifier.dispose();
      await runtime.dispose();
    },
  };
}
