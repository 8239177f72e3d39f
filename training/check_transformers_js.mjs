// Loads models/emotion exactly as the app does (transformers.js, local files only), checks that its
// probabilities match the PyTorch ones the training script saved, and measures speed.
//   node training/check_transformers_js.mjs [model-dir]
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { env, pipeline } from '@huggingface/transformers';

// fp32 must match PyTorch to float rounding; int8 weights move probabilities a little more.
const TOLERANCE = { fp32: 1e-4, q8: 2e-2 };
const THROUGHPUT_MESSAGES = 2_048;
const THROUGHPUT_BATCH = 64;
const LATENCY_RUNS = 200;

const dir = resolve(process.argv[2] ?? 'models/emotion');
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = dirname(dir);
const reference = JSON.parse(readFileSync(resolve(dir, 'reference-probabilities.json'), 'utf8'));
const report = {};

for (const dtype of ['fp32', 'q8']) {
  const classifier = await pipeline('text-classification', basename(dir), { local_files_only: true, dtype });
  let maxDiff = 0;
  for (const { text, probabilities } of reference.cases) {
    const scores = await classifier(text, { top_k: null });
    for (const { label, score } of scores) {
      maxDiff = Math.max(maxDiff, Math.abs(score - probabilities[reference.labels.indexOf(label)]));
    }
  }
  const chat = [];
  // The reference texts went through the Python normaliser, which the parity test ties to the TS one.
  for (const { raw, text } of reference.cases.slice(0, 12)) {
    const [top] = await classifier(text, { top_k: 1 });
    chat.push({ raw, text, label: top.label, score: Number(top.score.toFixed(3)) });
  }
  const texts = Array.from({ length: THROUGHPUT_MESSAGES }, (_, i) => reference.cases[i % reference.cases.length].text);
  const batchStart = performance.now();
  for (let i = 0; i < texts.length; i += THROUGHPUT_BATCH) await classifier(texts.slice(i, i + THROUGHPUT_BATCH));
  const perSecond = THROUGHPUT_MESSAGES / ((performance.now() - batchStart) / 1_000);
  const latencies = [];
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const start = performance.now();
    await classifier(texts[i]);
    latencies.push(performance.now() - start);
  }
  latencies.sort((a, b) => a - b);
  report[dtype] = {
    maxAbsDiffVsPytorch: maxDiff,
    withinTolerance: maxDiff <= TOLERANCE[dtype],
    batchedMessagesPerSecond: Math.round(perSecond),
    singleMessageP50Ms: Number(latencies[Math.floor(LATENCY_RUNS / 2)].toFixed(2)),
    singleMessageP95Ms: Number(latencies[Math.floor(LATENCY_RUNS * 0.95)].toFixed(2)),
    chat,
  };
  await classifier.dispose();
}
console.log(JSON.stringify(report, null, 2));
process.exitCode = Object.values(report).every((r) => r.withinTolerance) ? 0 : 1;
