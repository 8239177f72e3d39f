import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../src/adapters/metrics/prometheus-metrics.js';
import { ErrorCodes, errorCodeOf } from '../../src/errors.js';

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

/** The values of a one-label series in a scrape, by label value (`le` aside): `{ [labelValue]: value }`. */
function byLabel(scrape: string, name: string): Record<string, number> {
  const row = new RegExp(`^${name}\\{(?:le="\\+Inf",)?\\w+="([^"]*)"\\} (\\S+)$`, 'gm');
  return Object.fromEntries([...scrape.matchAll(row)].map(([, label, value]) => [label, Number(value)]));
}

/** Each of `labels` with the value it has in `series` (undefined: no series). */
function pick(series: Record<string, number>, labels: readonly string[]): Record<string, number | undefined> {
  return Object.fromEntries(labels.map((label) => [label, series[label]]));
}

/**
 * increase()/rate() need a sample before the first increment: a series born at 1 shows no rise, so
 * `increase(feelbot_failures_total[10m]) > 0` would not fire for the first give-up of a code after each start.
 */
describe('feelbot_failures_total, feelbot_job_retries_total and feelbot_job_duration_seconds', () => {
  const unexpected = errorCodeOf(new Error('not raised by feelbot'));
  const codes = [...Object.values(ErrorCodes), unexpected];
  const zeros = (labels: readonly string[]) => Object.fromEntries(labels.map((label) => [label, 0]));

  it('expose every error code, and that of an error feelbot did not raise, at 0 before the first failure', async () => {
    const scrape = await new PrometheusMetrics().registry.metrics();
    expect(unexpected).toBe('UNEXPECTED');
    expect(pick(byLabel(scrape, 'feelbot_failures_total'), codes)).toEqual(zeros(codes));
    expect(pick(byLabel(scrape, 'feelbot_job_retries_total'), codes)).toEqual(zeros(codes));
  });

  it("expose how runs end (given up, retried, lost, put off) and the handlers' outcomes at 0 before the first run", async () => {
    const scrape = await new PrometheusMetrics().registry.metrics();
    const outcomes = ['failed', 'retried', 'lost', 'rate-limited', 'delayed', 'posted', 'answered', 'skipped:deleted', 'skipped:post-unconfirmed', 'skipped:interaction-expired'];
    expect(pick(byLabel(scrape, 'feelbot_job_duration_seconds_count'), outcomes)).toEqual(zeros(outcomes));
    expect(pick(byLabel(scrape, 'feelbot_job_duration_seconds_bucket'), outcomes)).toEqual(zeros(outcomes));
  });

  it('count on from those zeros', async () => {
    const metrics = new PrometheusMetrics();
    metrics.countFailure(ErrorCodes.DiscordRequestFailed);
    metrics.countRetry(unexpected);
    metrics.observeJob('failed', 0.3);
    const scrape = await metrics.registry.metrics();
    expect({
      failures: pick(byLabel(scrape, 'feelbot_failures_total'), [ErrorCodes.DiscordRequestFailed, ErrorCodes.JobInvalid]),
      retries: pick(byLabel(scrape, 'feelbot_job_retries_total'), [unexpected]),
      runs: pick(byLabel(scrape, 'feelbot_job_duration_seconds_count'), ['failed']),
    }).toEqual({ failures: { [ErrorCodes.DiscordRequestFailed]: 1, [ErrorCodes.JobInvalid]: 0 }, retries: { [unexpected]: 1 }, runs: { failed: 1 } });
  });
});
