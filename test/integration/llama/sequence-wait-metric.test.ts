import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaRuntime, type LlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { createLlamaReplyGenerator } from '../../../src/adapters/llama/llama-reply-generator.js';
import { PrometheusMetrics } from '../../../src/adapters/metrics/prometheus-metrics.js';
import { measureSequenceWait } from '../../../src/worker/measure-sequence-wait.js';
import { buildGenerationRequest, ensureLlamaFixtures } from './fixtures.js';

let runtime: LlamaRuntime;

beforeAll(async () => {
  runtime = await createLlamaRuntime({ model: ensureLlamaFixtures().model, gpu: 'cpu', modelsDir: 'unused' });
});

afterAll(async () => {
  await runtime?.dispose();
});

describe('feelbot_generation_sequence_wait_seconds on the worker', () => {
  it('a /feel line that waited for the sequence a chat reply held counts its wait under kind feel, and the reply its own none', async () => {
    // The only sequence is held this long by a chat reply, then that reply is cancelled.
    const holdMs = 800;
    const metrics = new PrometheusMetrics();
    const generator = await createLlamaReplyGenerator(runtime.model, { sequences: 1, contextSize: 4_096 });
    try {
      const holder = new AbortController();
      const replies = measureSequenceWait(generator, 'reply', metrics);
      const feelLines = measureSequenceWait(generator, 'feel', metrics);
      const holding = replies.generate(buildGenerationRequest({ signal: holder.signal, sampling: { maxTokens: 3_000 } }));
      let started = false;
      const waiting = feelLines.generate(buildGenerationRequest({ onStart: () => (started = true) }));
      setTimeout(() => holder.abort(new Error('done holding the sequence')), holdMs);
      await waiting;
      await holding.catch(() => undefined);
      // The caller's own onStart still runs.
      expect(started).toBe(true);
      const scrape = await metrics.registry.metrics();
      const sample = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(scrape)?.[1]);
      expect(sample('feelbot_generation_sequence_wait_seconds_count{kind="feel"}')).toBe(1);
      expect(sample('feelbot_generation_sequence_wait_seconds_sum{kind="feel"}')).toBeGreaterThanOrEqual((holdMs - 5) / 1_000);
      expect(sample('feelbot_generation_sequence_wait_seconds_count{kind="reply"}')).toBe(1);
      expect(sample('feelbot_generation_sequence_wait_seconds_sum{kind="reply"}')).toBeLessThan(0.1);
    } finally {
      await generator.dispose();
    }
  });
});
