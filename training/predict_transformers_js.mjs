// Runs a model folder through the same transformers.js pipeline the app uses and prints, as JSON,
// each text's probabilities in config.json's id order. Texts must already be normalised.
//   node training/predict_transformers_js.mjs <model-dir> <fp32|q8> <texts.json>
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';

// Large enough to amortise session calls, small enough to keep padding low.
const BATCH_SIZE = 64;

const [modelDir, dtype = 'fp32', textsPath] = process.argv.slice(2);
const dir = resolve(modelDir);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = dirname(dir);

const classifier = await pipeline('text-classification', basename(dir), { local_files_only: true, dtype });
const labels = Object.values(classifier.model.config.id2label);
const texts = JSON.parse(readFileSync(textsPath, 'utf8'));
const probabilities = [];
for (let start = 0; start < texts.length; start += BATCH_SIZE) {
  const batch = texts.slice(start, start + BATCH_SIZE);
  const outputs = await classifier(batch, { top_k: null });
  // A single text comes back as a flat list rather than a list of lists.
  const perText = batch.length === 1 && !Array.isArray(outputs[0]) ? [outputs] : outputs;
  for (const scores of perText) {
    const byLabel = Object.fromEntries(scores.map(({ label, score }) => [label, score]));
    probabilities.push(labels.map((label) => byLabel[label]));
  }
}
process.stdout.write(JSON.stringify({ labels, probabilities }));
await classifier.dispose();
