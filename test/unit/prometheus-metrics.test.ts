import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../src/adapters/metrics/prometheus-metrics.js';

describe('feelbot_classification_duration_seconds', () => {
  it('measures an LLM classification of seconds (EMOTION_BACKEND=llm) as well as an ONNX one of milliseconds', async () => {
    const metrics = new PrometheusMetrics();
    metrics.observeClassification(0.004, 1);
    metrics.observeClassification(3, 1);
    metrics.observeClassification(12, 1);
    const scrape = await metrics.registry.metrics();
    const bucket = (le: string) => Number(new RegExp(`^feelbot_classification_duration_seconds_bucket\\{le="${le}"\\} (\\d+)$`, 'm').exec(scrape)?.[1]);
    expect({ at5ms: bucket('0.005'), at1s: bucket('1'), at5s: bucket('5'), at30s: bucket('30'), all: bucket('\\+Inf') }).toEqual({ at5ms: 1, at1s: 1, at5s: 2, at30s: 3, all: 3 });
  });
});

describe('feelbot_generated_tokens_total and feelbot_generation_tokens_per_second', () => {
  it('count chat replies and /feel persona lines apart, by kind, each kind from 0', async () => {
    const metrics = new PrometheusMetrics();
    const before = await metrics.registry.metrics();
    expect(before).toMatch(/^feelbot_generated_tokens_total\{kind="reply"\} 0$/m);
    expect(before).toMatch(/^feelbot_generated_tokens_total\{kind="feel"\} 0$/m);
    metrics.observeGeneration('reply', 60, 3);
    metrics.observeGeneration('reply', 40, 2);
    metrics.observeGeneration('feel', 12, 1);
    const scrape = await metrics.registry.metrics();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(scrape)?.[1]);
    expect({
      replyTokens: value('feelbot_generated_tokens_total{kind="reply"}'),
      feelTokens: value('feelbot_generated_tokens_total{kind="feel"}'),
      replySpeed: value('feelbot_generation_tokens_per_second{kind="reply"}'),
      feelSpeed: value('feelbot_generation_tokens_per_second{kind="feel"}'),
    }).toEqual({ replyTokens: 100, feelTokens: 12, replySpeed: 20, feelSpeed: 12 });
  });
});

describe('feelbot_generation_sequence_wait_seconds', () => {
  it('measures, by kind, how long generations waited for a free sequence, from no wait to many seconds, each kind from 0', async () => {
    const metrics = new PrometheusMetrics();
    const before = await metrics.registry.metrics();
    expect(before).toMatch(/^feelbot_generation_sequence_wait_seconds_count\{kind="reply"\} 0$/m);
    expect(before).toMatch(/^feelbot_generation_sequence_wait_seconds_count\{kind="feel"\} 0$/m);
    metrics.observeGenerationWait('reply', 0.0002);
    metrics.observeGenerationWait('feel', 0.0002);
    metrics.observeGenerationWait('feel', 12);
    const scrape = await metrics.registry.metrics();
    const bucket = (kind: string, le: string) =>
      Number(new RegExp(`^feelbot_generation_sequence_wait_seconds_bucket\\{le="${le}",kind="${kind}"\\} (\\d+)$`, 'm').exec(scrape)?.[1]);
    expect({
      replyNoWait: bucket('reply', '0.001'),
      feelNoWait: bucket('feel', '0.001'),
      feelAt10s: bucket('feel', '10'),
      feelAt20s: bucket('feel', '20'),
    }).toEqual({ replyNoWait: 1, feelNoWait: 1, feelAt10s: 1, feelAt20s: 2 });
  });
});
