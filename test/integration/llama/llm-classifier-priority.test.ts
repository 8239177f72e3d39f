import { LlamaChat } from 'node-llama-cpp';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createLlamaRuntime, type LlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { createLlmEmotionClassifier } from '../../../src/adapters/llama/llm-emotion-classifier.js';
import { TEXTS_PER_CALL } from '../../../src/http/routes/emotion-route.js';
import { backgroundOf } from '../../../src/ports/background-classifier.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { workerClassifier } from '../../../src/worker/worker-classifier.js';
import { ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';

let runtime: LlamaRuntime;
beforeAll(async () => {
  runtime = await createLlamaRuntime({ model: ensureLlamaFixtures().model, gpu: 'cpu', modelsDir: GENERATED_DIR });
});
afterAll(async () => runtime?.dispose());

it("EMOTION_BACKEND=llm under `feelbot start`: a Discord job's text is classified before the HTTP API's texts queued ahead of it", async () => {
  // As create-engines builds it; `feelbot start` hands its background to the HTTP API.
  const classifier = workerClassifier(await createLlmEmotionClassifier(runtime.model), NO_METRICS);
  const api = backgroundOf(classifier);
  let completions = 0;
  const original = LlamaChat.prototype.generateResponse;
  vi.spyOn(LlamaChat.prototype, 'generateResponse').mockImplementation(async function (this: LlamaChat, ...args) {
    try {
      return await original.apply(this, args);
    } finally {
      completions++;
    }
  });
  try {
    // Four HTTP API requests, each sending its first TEXTS_PER_CALL texts (classifyWhileWanted); MAX_TEXTS_IN_FLIGHT allows 16 such.
    const requests = Array.from({ length: 4 }, (_, r) =>
      api.classify(Array.from({ length: TEXTS_PER_CALL }, (_, i) => `api request ${r} text ${i}: I feel fine`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    // A reply job's classification (handle-message-job -> classifyOne) arrives just after.
    let doneBeforeJob = -1;
    await classifier.classify(['I finally got the job!']).then(() => (doneBeforeJob = completions - 1));
    // The API's texts are still all answered once no job waits.
    const answered = await Promise.all(requests);
    console.log(`API completions finished before the job's one: ${doneBeforeJob} of ${4 * TEXTS_PER_CALL}`);
    // At most the completions already running on the classifier's 2 sequences, and one that took a sequence as the job arrived.
    expect(doneBeforeJob).toBeLessThan(2 * 2);
    expect(answered.flat()).toHaveLength(4 * TEXTS_PER_CALL);
  } finally {
    vi.restoreAllMocks();
    await classifier.dispose();
  }
});
