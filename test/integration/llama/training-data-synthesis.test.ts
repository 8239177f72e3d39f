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

  it('control characters and U+FFFD the grammar allows are removed, so Python splitlines() keeps each line whole', async () => {
    const source: SentenceSource = async () => [
      'nul\u0000here and fffd\ufffd there',
      'file\u001csep group\u001dsep record\u001esep',
      'next\u0085line and line\u2028sep and para\u2029sep',
      'bell\u0007 and escape\u001b[31m and del\u007f',
    ];
    const lines = await synthesizeTrainingData({ source, perEmotion: 4, emotions: ['joy'] });
    expect(lines).toHaveLength(4);
    // Every character Python's str.splitlines() breaks on, and every other control character.
    for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffd]/u);
    expect(lines[1]).toBe('file sep group sep record sep;joy');
  });

  it('hands each emotion its lines as soon as it is done, before the next emotion is asked', async () => {
    const events: string[] = [];
    const source: SentenceSource = async (emotion) => {
      events.push(`ask ${emotion}`);
      return [`a ${emotion} sentence`];
    };
    await synthesizeTrainingData({
      source,
      perEmotion: 1,
      emotions: ['joy', 'fear'],
      onEmotion: async (emotion, lines) => {
        events.push(`done ${emotion}: ${lines.join('|')}`);
      },
    });
    expect(events).toEqual(['ask joy', 'done joy: a joy sentence;joy', 'ask fear', 'done fear: a fear sentence;fear']);
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
