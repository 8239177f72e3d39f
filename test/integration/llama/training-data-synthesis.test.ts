import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaRuntime, type LlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { createLlmSentenceSource } from '../../../src/adapters/llama/llm-sentence-source.js';
import { synthesizeTrainingData, type SentenceSource } from '../../../src/adapters/llama/synthesize-training-data.js';
import { ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';

let runtime: LlamaRuntime;

beforeAll(async () => {
  runtime = await createLlamaRuntime({ model: ensureLlamaFixtures().model, gpu: 'cpu', modelsDir: GENERATED_DIR });
});

afterAll(async () => {
  await runtime?.dispose();
});

describe('training data synthesis', () => {
  it('synthesis removes duplicates, ignoring case and whitespace, and keeps asking until it has enough', async () => {
    const rounds: string[][] = [
      ['I am SO happy', 'i am so   happy', ' I am so happy ', 'What a day;  truly'],
      ['what a day, truly', 'Best news ever', 'Best  news  ever!'],
    ];
    const source: SentenceSource = async () => rounds.shift() ?? [];
    const lines = await synthesizeTrainingData({ source, perEmotion: 4, emotions: ['joy'] });
    expect(lines).toEqual(['I am SO happy;joy', 'What a day, truly;joy', 'Best news ever;joy', 'Best news ever!;joy']);
  });

  it('a sentence seen under one emotion is not repeated under another', async () => {
    const source: SentenceSource = async () => ['Oh wow', 'OH WOW'];
    const lines = await synthesizeTrainingData({ source, perEmotion: 1, emotions: ['joy', 'surprise'], maxRoundsPerEmotion: 2 });
    expect(lines).toEqual(['Oh wow;joy']);
  });

  it('the grammar-constrained model yields text;label lines with no ";" inside the text', async () => {
    const { source, dispose } = await createLlmSentenceSource(runtime.model, { maxSentenceChars: 40 });
    try {
      const lines = await synthesizeTrainingData({ source, perEmotion: 3, emotions: ['joy', 'fear'] });
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(/^[^;\n]{3,};(joy|fear)$/u);
      const texts = lines.map((line) => line.slice(0, line.lastIndexOf(';')).toLowerCase().replace(/\s+/gu, ''));
      expect(new Set(texts).size).toBe(texts.length);
    } finally {
      await dispose();
    }
  });
});
