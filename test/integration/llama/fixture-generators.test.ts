import { readFileSync, statSync } from 'node:fs';
import { readGgufFileInfo } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { writeTinyGguf } from '../../../scripts/fixtures/tiny-gguf.js';
import { writeTinyLora } from '../../../scripts/fixtures/tiny-lora.js';
import { GENERATED_DIR } from './fixtures.js';

// The tiny model must stay cheap enough to generate in every test run.
const TINY_MAX_BYTES = 4 * 1_024 * 1_024;

describe('fixture generators', () => {
  it('the same seed writes the same bytes, another seed different weights', () => {
    const [a, b, c] = ['seed-a', 'seed-b', 'seed-c'].map((name) => `${GENERATED_DIR}${name}.gguf`) as [string, string, string];
    writeTinyGguf(a, { seed: 5 });
    writeTinyGguf(b, { seed: 5 });
    writeTinyGguf(c, { seed: 6 });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
    expect(statSync(a).size).toBeLessThan(TINY_MAX_BYTES);
  });

  it('the tiny model carries the llama metadata, vocabulary and chat template llama.cpp needs', async () => {
    const path = `${GENERATED_DIR}metadata-check.gguf`;
    writeTinyGguf(path, { shape: { layers: 3, vocab: 600 } });
    const { metadata, tensorInfo } = await readGgufFileInfo(path);
    expect(metadata.general.architecture).toBe('llama');
    expect(metadata.llama?.block_count).toBe(3);
    expect(metadata.tokenizer.ggml.model).toBe('gpt2');
    expect(metadata.tokenizer.ggml.tokens).toHaveLength(600);
    expect(metadata.tokenizer.chat_template).toContain('<|im_start|>');
    expect(tensorInfo?.map((tensor) => tensor.name)).toContain('blk.2.ffn_down.weight');
  });

  it('the LoRA adapter is a GGUF adapter with A/B pairs shaped for the model', async () => {
    const path = `${GENERATED_DIR}lora-check.gguf`;
    writeTinyLora(path, { rank: 2 });
    const { metadata, tensorInfo } = await readGgufFileInfo(path);
    expect(metadata.general).toMatchObject({ architecture: 'llama', type: 'adapter' });
    expect(metadata).toMatchObject({ adapter: { type: 'lora', lora: { alpha: 2 } } });
    const byName = new Map(tensorInfo?.map((tensor) => [tensor.name, tensor.dimensions]));
    expect(byName.get('blk.0.attn_q.weight.lora_a')).toEqual([64, 2]);
    expect(byName.get('blk.0.attn_q.weight.lora_b')).toEqual([2, 64]);
  });
});
