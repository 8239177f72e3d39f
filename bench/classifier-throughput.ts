/**
 * Classifier speed on this machine, baseline and contender in one run:
 *   baseline  - the naive pipeline: one transformers.js call per message, one after another;
 *   batched   - the same messages in batches of 64 (what eval and the API do);
 *   concurrent- 64 callers at once through BatchingClassifier (what workers and the API see).
 * Prints messages/s, single-message latency p50/p99 and the ratios against the baseline.
 *   npx tsx bench/classifier-throughput.ts [--messages 2000] [--model models/emotion] [--dtype fp32|q8]
 */
import { parseArgs } from 'node:util';
import { loadEmotionModel } from '../src/adapters/transformers/load-emotion-model.js';
import { BatchingClassifier } from '../src/classifier/batching-classifier.js';
import { namesAFeeling } from '../src/domain/names-a-feeling.js';
import { normalizeChatText } from '../src/domain/normalize-chat-text.js';
import { readSharedData } from './lib/shared-data.js';
import { percentile, peakRssMiB } from './lib/stats.js';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '2000' }, model: { type: 'string', default: 'models/emotion' }, dtype: { type: 'string' } },
});
const count = Number(values.messages);
const BATCH = 64;
const WARMUP = 50;

const texts = readSharedData('emotion/validation.txt')
  .split('\n')
  .filter(Boolean)
  .map((line) => line.slice(0, line.lastIndexOf(';')));
// Real chat: GoEmotions' Reddit comments (text, labels, id per line), which mostly name no feeling.
const comments = readSharedData('goemotions/dev.tsv')
  .split('\n')
  .filter(Boolean)
  .map((line) => line.split('\t')[0]!);
// A quarter Reddit comments; of the rest, half made chat-shaped (capitals, punctuation, an emoji, a
// mention) to exercise the normaliser too.
const inputs = Array.from({ length: count }, (_, i) => {
  if (i % 4 === 3) return comments[i % comments.length]!;
  const text = texts[i % texts.length]!;
  return i % 2 ? text : `<@1234> ${text[0]!.toUpperCase()}${text.slice(1)}!! 😀`;
});
const namingAFeeling = inputs.filter((text) => namesAFeeling(normalizeChatText(text))).length / count;

const dtype = values.dtype as 'fp32' | 'q8' | undefined;
const classifier = await loadEmotionModel({ model: values.model!, ...(dtype ? { dtype } : {}) });
for (const text of inputs.slice(0, WARMUP)) await classifier.classify([text]);

// Baseline: the naive one-call-per-message pipeline.
const latencies: number[] = [];
let started = performance.now();
for (const text of inputs) {
  const t0 = performance.now();
  await classifier.classify([text]);
  latencies.push(performance.now() - t0);
}
const naiveSeconds = (performance.now() - started) / 1_000;

started = performance.now();
for (let i = 0; i < inputs.length; i += BATCH) await classifier.classify(inputs.slice(i, i + BATCH));
const batchedSeconds = (performance.now() - started) / 1_000;

const batching = new BatchingClassifier(classifier, { maxBatch: BATCH });
const concurrentLatencies: number[] = [];
started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: BATCH }, async () => {
    while (next < inputs.length) {
      const text = inputs[next++]!;
      const t0 = performance.now();
      await batching.classify([text]);
      concurrentLatencies.push(performance.now() - t0);
    }
  }),
);
const concurrentSeconds = (performance.now() - started) / 1_000;
await batching.dispose();

const rate = (seconds: number) => count / seconds;
const row = (name: string, seconds: number, lat?: number[]) =>
  `${name.padEnd(34)} ${rate(seconds).toFixed(0).padStart(8)} msg/s   x${(rate(seconds) / rate(naiveSeconds)).toFixed(2).padStart(6)}` +
  (lat ? `   p50 ${percentile(lat, 0.5).toFixed(2)} ms   p99 ${percentile(lat, 0.99).toFixed(2)} ms` : '');

console.log(`classifier ${values.model} (${dtype ?? 'model default'} weights), ${count} messages, node ${process.version}`);
console.log(`${(namingAFeeling * 100).toFixed(0)} % of the messages name a feeling (a model with a no-feel-word reader sends the rest there)`);
console.log(row('baseline: one call per message', naiveSeconds, latencies));
console.log(row(`batched: ${BATCH} per call`, batchedSeconds));
console.log(row(`concurrent: ${BATCH} callers, batching`, concurrentSeconds, concurrentLatencies));
console.log(`single-message latency p50 ${percentile(latencies, 0.5).toFixed(2)} ms (target <= 5 ms); peak RSS ${peakRssMiB().toFixed(0)} MiB`);
