import { afterEach, describe, expect, it } from 'vitest';
import { createLlamaReplyGenerator } from '../../../src/adapters/llama/llama-reply-generator.js';
import { createLlamaRuntime, type LlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { cleanReply } from '../../../src/domain/clean-reply.js';
import { buildGenerationRequest, ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';
import { writeScriptedGguf } from './scripted-model.js';

describe("a reply that goes on in the prompt's <<<Name: text>>> quote format (real llama.cpp)", () => {
  let runtime: LlamaRuntime | undefined;

  afterEach(async () => {
    await runtime?.dispose();
    runtime = undefined;
  });

  /** A generator on a model that writes `script`, then its last character until stopped. */
  async function generatorWriting(script: string, name: string) {
    const model = await writeScriptedGguf(ensureLlamaFixtures().model, `${GENERATED_DIR}tiny-scripted-${name}.gguf`, script);
    runtime = await createLlamaRuntime({ model, gpu: 'cpu', modelsDir: GENERATED_DIR });
    return createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 512 });
  }

  it.each([
    ['opens a made-up line of another member', 'Yay! <<<', 'opener'],
    ['closes a quote of its own', 'Yay!>>>', 'closer'],
  ])('stops where it %s, with the words before it, as an ending the model chose', async (_case, script, name) => {
    const generator = await generatorWriting(script, name);
    try {
      const reply = await generator.generate(buildGenerationRequest({ sampling: { maxTokens: 32 } }));
      expect(reply.text).toBe('Yay!');
      expect(reply.truncated).toBe(false);
      expect(reply.stoppedAtStopTrigger).toBe(true);
    } finally {
      await generator.dispose();
    }
  });

  it('a reply a stop trigger ended inside inline code is posted with the code closed, cleaned as writeReply cleans it', async () => {
    // ">>>" in the persona's own code (a shift, a Python prompt) is the transcript's closing marker: the stop comes inside the code.
    const generator = await generatorWriting('Try `ls>>>', 'inline-code');
    try {
      const reply = await generator.generate(buildGenerationRequest({ sampling: { maxTokens: 32 } }));
      expect(reply.text).toBe('Try `ls');
      const posted = cleanReply(reply.text, { personaName: 'Joy', maxChars: 600, truncated: reply.truncated, stoppedAtStopTrigger: reply.stoppedAtStopTrigger });
      expect(posted).toBe('Try `ls`');
    } finally {
      await generator.dispose();
    }
  });

  it('a reply its token limit ended is truncated, not stopped by a stop trigger', async () => {
    const generator = await generatorWriting('Yay!', 'no-trigger');
    try {
      const reply = await generator.generate(buildGenerationRequest({ sampling: { maxTokens: 8 } }));
      expect(reply.text).toBe('Yay!!!!!');
      expect(reply.truncated).toBe(true);
      expect(reply.stoppedAtStopTrigger).toBe(false);
    } finally {
      await generator.dispose();
    }
  });
});
