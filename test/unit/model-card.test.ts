import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../models/emotion/', import.meta.url);
const card = readFileSync(new URL('README.md', dir), 'utf8');
const config = JSON.parse(readFileSync(new URL('config.json', dir), 'utf8')) as { vocab_size: number };
const metrics = JSON.parse(readFileSync(new URL('training-metrics.json', dir), 'utf8')) as {
  vocabulary_extension: { words: number; map_r2: number[] };
};

describe("the model card's Architecture section describes the shipped files", () => {
  it('states the trained vocabulary the shipped config has, and the extension ids after it', () => {
    const trained = config.vocab_size - metrics.vocabulary_extension.words;
    const stated = Number(/vocabulary ([\d,]+) trained tokens/.exec(card)![1]!.replace(/,/g, ''));
    expect(stated).toBe(trained);
    const [, first, last] = /\(ids ([\d,]+)–([\d,]+):/.exec(card)!;
    expect([first, last].map((id) => Number(id!.replace(/,/g, '')))).toEqual([trained, config.vocab_size - 1]);
  });

  it("states the members' map R² that training-metrics.json records", () => {
    const [, low, high] = /R² ([\d.]+)–([\d.]+) \(`map_r2`/.exec(card)!;
    const r2 = metrics.vocabulary_extension.map_r2;
    expect([Number(low), Number(high)]).toEqual([Math.min(...r2), Math.max(...r2)].map((value) => Number(value.toFixed(3))));
  });
});
