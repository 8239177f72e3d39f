/**
 * Classifier speed on this machine, baseline and contenders in one run, over the same messages:
 *   baseline   - the naive pipeline: one call of the classifier (one transformers.js pipeline call) per
 *                message, one after another;
 *   batched    - the same messages in batches of 64 (what eval does);
 *   app, alone - one message at a time through the worker's classifier (newest-characters cut,
 *                batching, metrics), the path a lone chat message takes: its latency is the
 *                single-message figure the target is about;
 *   app, 64 in flight - 64 callers at once through the worker's classifier (a busy worker or API).
 * Every path is warmed up first, then timed in several rounds whose order rotates, so a noisy
 * stretch of the machine falls on every path; each ratio is the median of the rounds' ratios.
 *   npx tsx bench/classifier-throughput.ts [--messages 2000] [--rounds 3] [--model models/emotion] [--dtype fp32|q8]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadEmotionModel } from '../src/adapters/transformers/load-emotion-model.js';
import { namesAFeeling } from '../src/domain/names-a-feeling.js';
import { normalizeChatText } from '../src/domain/normalize-chat-text.js';
import type { EmotionClassifier } from '../src/ports/emotion-classifier.js';
import { NO_METRICS } from '../src/ports/metrics.js';
import { workerClassifier } from '../src/worker/worker-classifier.js';
import { readSharedData } from './lib/shared-data.js';
import { percentile, peakRssMiB } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    model: { type: 'string', default: 'models/emotion' },
    dtype: { type: 'string' },
  },
});
const count = Number(values.messages);
const rounds = Number(values.rounds);
const BATCH = 64;
const WARMUP = 64;
const TARGET_MSG_PER_S = 1_000;
const TARGET_P50_MS = 5;

const texts = readSharedData('emotion/validation.txt')
  .split('\n')
  .filter(Boolean)
  .map((line) => line.slice(0, line.lastIndexOf(';')));
// Real chat: GoEmotions' Reddit comments (text, labels, id per line), which mostly name no feeling.
const comments = readSharedData('goemotions/dev.tsv')
  .split('\n')
  .filter(Boolean)
  .map((line) => line.split('\t')[0]!);
// Half Reddit comments; a quarter dair-ai sentences made chat-shaped (capitals, punctuation, an
// emoji, a mention) to exercise the normaliser too; a quarter as they are. One in 100 is a long
// message of several comments (up to about 1,500 characters), as a pasted story or a burst is.
const inputs = Array.from({ length: count }, (_, i) => {
  if (i % 100 === 99) return Array.from({ length: 12 }, (_, k) => comments[(i + k * 97) % comments.length]!).join(' ').slice(0, 1_500);
  if (i % 2 === 1) return comments[i % comments.length]!;
  const text = texts[i % texts.length]!;
  return i % 4 === 2 ? `<@1234> ${text[0]!.toUpperCase()}${text.slice(1)}!! 😀` : text;
});
const namingAFeeling = inputs.filter((text) => namesAFeeling(normalizeChatText(text))).length / count;

const dtype = values.dtype as 'fp32' | 'q8' | undefined;
const model = await loadEmotionModel({ model: values.model!, ...(dtype ? { dtype } : {}) });
// The worker's classifier around the same loaded model; disposing it disposes the model, at the end.
// It remembers no analysis, so every round (and the warm-up's texts) reaches the model again.
const app = workerClassifier(model, NO_METRICS, { rememberedAnalyses: 0 });

interface Timing {
  readonly seconds: number;
  readonly latencies: readonly number[];
}

async function oneByOne(classifier: EmotionClassifier, messages: readonly string[]): Promise<Timing> {
  const latencies: number[] = [];
  const started = performance.now();
  for (const text of messages) {
    const t0 = performance.now();
    await classifier.classify([text]);
    latencies.push(performance.now() - t0);
  }
  return { seconds: (performance.now() - started) / 1_000, latencies };
}

async function inBatches(messages: readonly string[]): Promise<Timing> {
  const started = performance.now();
  for (let i = 0; i < messages.length; i += BATCH) await model.classify(messages.slice(i, i + BATCH));
  return { seconds: (performance.now() - started) / 1_000, latencies: [] };
}

async function manyCallers(messages: readonly string[]): Promise<Timing> {
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: BATCH }, async () => {
      while (next < messages.length) {
        const text = messages[next++]!;
        const t0 = performance.now();
        await app.classify([text]);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1_000, latencies };
}

const paths = {
  baseline: (messages: readonly string[]) => oneByOne(model, messages),
  batched: inBatches,
  appAlone: (messages: readonly string[]) => oneByOne(app, messages),
  appLoaded: manyCallers,
} as const;
type PathName = keyof typeof paths;
const names = Object.keys(paths) as PathName[];

const loadBefore = loadavg()[0]!;
for (const name of names) await paths[name](inputs.slice(0, WARMUP));
const results = Object.fromEntries(names.map((name) => [name, [] as Timing[]])) as Record<PathName, Timing[]>;
for (let round = 0; round < rounds; round++) {
  // Rotate the order, so no path always runs first or last.
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length]!;
    results[name].push(await paths[name](inputs));
  }
}
await app.dispose();

const median = (xs: readonly number[]): number => percentile(xs, 0.5);
const rate = (timing: Timing): number => count / timing.seconds;
const medianRate = (name: PathName): number => median(results[name].map(rate));
/** The median over rounds of this path's rate divided by the baseline's in the same round. */
const medianRatio = (name: PathName): number => median(results[name].map((timing, round) => rate(timing) / rate(results.baseline[round]!)));
const allLatencies = (name: PathName): number[] => results[name].flatMap((timing) => timing.latencies);
const row = (label: string, name: PathName, latencyLabel = 'latency') => {
  const latencies = allLatencies(name);
  return (
    `${label.padEnd(44)} ${medianRate(name).toFixed(0).padStart(7)} msg/s   x${medianRatio(name).toFixed(2).padStart(6)}` +
    (latencies.length ? `   ${latencyLabel} p50 ${percentile(latencies, 0.5).toFixed(2)} ms  p99 ${percentile(latencies, 0.99).toFixed(2)} ms` : '')
  );
};
const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');

console.log(`classifier ${values.model} (${dtype ?? 'model default'} weights), ${count} messages x ${rounds} rounds, node ${process.version}`);
console.log(`${(namingAFeeling * 100).toFixed(0)} % of the messages name a feeling; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after (2 cores: above 2 means another process shared them)`);
console.log('medians over the rounds; each ratio is against the baseline of its own round');
console.log(row('baseline: one classifier call per message', 'baseline'));
console.log(row(`batched: ${BATCH} per call`, 'batched'));
console.log(row("app path, one message at a time", 'appAlone'));
console.log(row(`app path, ${BATCH} messages in flight`, 'appLoaded', 'latency under load'));
const batchedRate = medianRate('batched');
const appP50 = percentile(allLatencies('appAlone'), 0.5);
console.log(`target: batched >= ${TARGET_MSG_PER_S} msg/s: ${batchedRate.toFixed(0)} msg/s, ${verdict(batchedRate >= TARGET_MSG_PER_S)}`);
console.log(`target: single-message p50 <= ${TARGET_P50_MS} ms on the app path: ${appP50.toFixed(2)} ms, ${verdict(appP50 <= TARGET_P50_MS)}`);
console.log(`peak RSS ${peakRssMiB().toFixed(0)} MiB`);
