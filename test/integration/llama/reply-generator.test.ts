import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaRuntime, type LlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { createLlamaReplyGenerator } from '../../../src/adapters/llama/llama-reply-generator.js';
import { createPooledContext, defaultFlashAttention } from '../../../src/adapters/llama/pooled-context.js';
import { ErrorCodes } from '../../../src/errors.js';
import type { GenerationResult, ReplyGenerator } from '../../../src/ports/reply-generator.js';
import { buildGenerationRequest, ensureLlamaFixtures } from './fixtures.js';

let runtime: LlamaRuntime;

beforeAll(async () => {
  const paths = ensureLlamaFixtures();
  runtime = await createLlamaRuntime({ model: paths.model, gpu: 'cpu', modelsDir: 'unused' });
});

afterAll(async () => {
  await runtime?.dispose();
});

const prompts = ['I passed my exam!', 'My cat is missing.', 'Who ate my cake?', 'Guess what happened today'];

/**
 * Generates a reply to each text at once; true when every reply produced its first token before any
 * reply finished. A result's timings count from when it got its sequence, which onStart marks.
 */
async function allStartedBeforeAnyFinished(generator: ReplyGenerator, texts: readonly string[]): Promise<boolean> {
  const timelines = await Promise.all(
    texts.map(async (text) => {
      let startedAt = 0;
      const result = await generator.generate(
        buildGenerationRequest({ prompt: { system: 'Be kind.', turns: [{ role: 'user', text }] }, sampling: { maxTokens: 32 }, onStart: () => (startedAt = performance.now()) }),
      );
      expect(result.tokens).toBeGreaterThan(0);
      expect(result.text.length).toBeGreaterThan(0);
      return { firstTokenAt: startedAt + result.firstTokenMs, finishedAt: startedAt + result.totalMs };
    }),
  );
  return Math.max(...timelines.map((t) => t.firstTokenAt)) < Math.min(...timelines.map((t) => t.finishedAt));
}

describe('llama reply generator', () => {
  it('four conversations generate at once through one context', async () => {
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 4, contextSize: 512 });
    try {
      expect(generator.parallelism).toBe(4);
      expect(await allStartedBeforeAnyFinished(generator, prompts)).toBe(true);
    } finally {
      await generator.dispose();
    }
  });

  it('flash attention is on for the CPU where the model supports it, and left to llama.cpp on a GPU or for a model without it', async () => {
    const pooled = await createPooledContext(runtime.model, { sequences: 1, contextSize: 256, threads: 1 });
    try {
      expect(runtime.model.llama.gpu).toBe(false);
      expect(runtime.model.flashAttentionSupported).toBe(true);
      expect(pooled.context.flashAttention).toBe(true);
    } finally {
      await pooled.context.dispose();
    }
    expect(defaultFlashAttention({ llama: { gpu: 'cuda' }, flashAttentionSupported: true })).toBe('auto');
    expect(defaultFlashAttention({ llama: { gpu: false }, flashAttentionSupported: false })).toBe('auto');
  });

  it('with one sequence, conversations wait their turn', async () => {
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 512 });
    try {
      expect(await allStartedBeforeAnyFinished(generator, prompts)).toBe(false);
    } finally {
      await generator.dispose();
    }
  });

  it('a backlog of replies waiting for one sequence warns of no listener leak, and the waiters leave none behind', async () => {
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 512 });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // More than Node's default of 10 listeners on the generator's shutdown signal while they wait.
      const backlog = Array.from({ length: 16 }, (_, i) =>
        generator.generate(buildGenerationRequest({ prompt: { system: 'Be kind.', turns: [{ role: 'user', text: `message ${i}` }] }, sampling: { maxTokens: 2 } })),
      );
      const results = await Promise.all(backlog);
      expect(results.every((result) => result.tokens > 0)).toBe(true);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map((warning) => warning.message)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await generator.dispose();
    }
  });

  it('a reused sequence does not leak the previous conversation into the next', async () => {
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 512 });
    try {
      const first = buildGenerationRequest({ prompt: { system: 'A', turns: [{ role: 'user', text: 'hello there' }] } });
      const other = buildGenerationRequest({
        prompt: { system: 'B', turns: [{ role: 'user', text: 'x' }, { role: 'assistant', text: 'y' }, { role: 'user', text: 'zzz' }] },
      });
      const before = await generator.generate(first);
      await generator.generate(other);
      const after = await generator.generate(first);
      expect(after.text).toBe(before.text);
    } finally {
      await generator.dispose();
    }
  });

  it('a reply stops at maxTokens and reports its timings', async () => {
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 512 });
    try {
      const result = await generator.generate(buildGenerationRequest({ sampling: { maxTokens: 8, temperature: 0.8, topP: 0.9, repeatPenalty: 1.1 } }));
      expect(result.tokens).toBeGreaterThan(0);
      expect(result.tokens).toBeLessThanOrEqual(8);
      expect(result.firstTokenMs).toBeGreaterThan(0);
      expect(result.firstTokenMs).toBeLessThanOrEqual(result.totalMs);
    } finally {
      await generator.dispose();
    }
  });

  it('a reply past its timeout stops there and returns the text generated so far', async () => {
    // 1 s: far less than 3,000 tokens take (400 take a few hundred ms here), and room for the first
    // tokens on a loaded CI machine.
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 4_096, timeoutMs: 1_000 });
    try {
      const partial = await generator.generate(buildGenerationRequest({ sampling: { maxTokens: 3_000 } }));
      expect(partial.text.length).toBeGreaterThan(0);
      expect(partial.tokens).toBeGreaterThan(0);
      // Fewer than asked for and truncated: a timeout that never fired would give all 3,000, or an
      // end chosen by the model (not truncated).
      expect(partial.tokens).toBeLessThan(3_000);
      // Cut by the deadline, not ended by the model: the job drops its unfinished last sentence.
      expect(partial.truncated).toBe(true);
      // The sequence went back to the pool: the next reply still works.
      const next = await generator.generate(buildGenerationRequest({ sampling: { maxTokens: 2 } }));
      expect(next.tokens).toBeGreaterThan(0);
    } finally {
      await generator.dispose();
    }
  });

  it('a reply whose timeout comes before its first token fails with GENERATION_TIMEOUT', async () => {
    // 1 ms: less than evaluating a long prompt takes, so not one token is out by then.
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 4_096, timeoutMs: 1 });
    const longText = 'tell me everything about your day '.repeat(60);
    try {
      await expect(
        generator.generate(buildGenerationRequest({ prompt: { system: 'Be kind.', turns: [{ role: 'user', text: longText }] } })),
      ).rejects.toMatchObject({ code: ErrorCodes.GenerationTimeout });
    } finally {
      await generator.dispose();
    }
  });

  it('waiting for a free sequence does not count toward the timeout', async () => {
    // One sequence and three replies that each run until the 1 s deadline cuts them: the second
    // waits about 1 s for the sequence and the third about 2 s. Had waiting counted, their deadlines
    // would pass before they got the sequence and both would fail with GENERATION_TIMEOUT; as it is,
    // each needs only its first token within 1 s of taking the sequence, as the test above does.
    const timeoutMs = 1_000;
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 4_096, timeoutMs });
    try {
      const startedAt: number[] = [];
      const request = buildGenerationRequest({ sampling: { maxTokens: 3_000 }, onStart: () => startedAt.push(performance.now()) });
      const called = performance.now();
      const queued = await Promise.allSettled(Array.from({ length: 3 }, () => generator.generate(request)));
      expect(queued.map((outcome) => (outcome.status === 'fulfilled' ? 'fulfilled' : (outcome.reason as { code?: unknown }).code))).toEqual(
        Array(3).fill('fulfilled'),
      );
      const replies = queued.map((outcome) => (outcome as PromiseFulfilledResult<GenerationResult>).value);
      for (const reply of replies) {
        expect(reply.text.length).toBeGreaterThan(0);
        // Each held the sequence until its own deadline cut it.
        expect(reply.tokens).toBeLessThan(3_000);
        expect(reply.truncated).toBe(true);
      }
      // The last reply did wait longer than the timeout for its sequence.
      expect(Math.max(...startedAt) - called).toBeGreaterThan(timeoutMs);
    } finally {
      await generator.dispose();
    }
  });

  it('a reply that waited for the sequence reports the time it took to generate, not the time it waited', async () => {
    // The only sequence is held this long by another reply, then that reply is cancelled.
    const holdMs = 800;
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 4_096 });
    try {
      const holder = new AbortController();
      const holding = generator.generate(buildGenerationRequest({ signal: holder.signal, sampling: { maxTokens: 3_000 } }));
      let startedAt = 0;
      const called = performance.now();
      const waiting = generator.generate(buildGenerationRequest({ onStart: () => (startedAt = performance.now()) }));
      setTimeout(() => holder.abort(new Error('done holding the sequence')), holdMs);
      const reply = await waiting;
      const finishedAt = performance.now();
      await expect(holding).rejects.toMatchObject({ code: ErrorCodes.GenerationAborted });
      expect(startedAt - called, 'the reply waited for the held sequence').toBeGreaterThan(holdMs / 2);
      expect(reply.tokens).toBeGreaterThan(0);
      // Timed from the sequence (onStart comes just after): the wait is not in them.
      expect(reply.totalMs).toBeLessThanOrEqual(finishedAt - startedAt + 1);
      expect(reply.firstTokenMs).toBeLessThanOrEqual(reply.totalMs);
    } finally {
      await generator.dispose();
    }
  });

  it("aborting the request's signal fails the reply with GENERATION_ABORTED", async () => {
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 4_096 });
    try {
      const controller = new AbortController();
      const reply = generator.generate(buildGenerationRequest({ signal: controller.signal, sampling: { maxTokens: 3_000 } }));
      setTimeout(() => controller.abort(new Error('job cancelled')), 30);
      await expect(reply).rejects.toMatchObject({ code: ErrorCodes.GenerationAborted });
    } finally {
      await generator.dispose();
    }
  });

  it('disposing the generator aborts replies in flight and those waiting for a sequence', async () => {
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 4_096 });
    const running = generator.generate(buildGenerationRequest({ sampling: { maxTokens: 3_000 } }));
    const waiting = generator.generate(buildGenerationRequest({ sampling: { maxTokens: 3_000 } }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await generator.dispose();
    await expect(running).rejects.toMatchObject({ code: ErrorCodes.GenerationAborted });
    await expect(waiting).rejects.toMatchObject({ code: ErrorCodes.GenerationAborted });
  });
});
