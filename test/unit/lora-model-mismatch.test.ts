import { describe, expect, it } from 'vitest';
import { loraMismatch, type GgufShapes } from '../../src/adapters/llama/lora-model-mismatch.js';

const model: GgufShapes = {
  architecture: 'llama',
  tensors: new Map([
    ['token_embd.weight', [64, 512]],
    ['blk.0.attn_q.weight', [64, 64]],
    ['blk.0.ffn_up.weight', [64, 128]],
  ]),
};

function lora(tensors: Array<[string, number[]]>, architecture = 'llama'): GgufShapes {
  return { architecture, tensors: new Map(tensors) };
}

describe('whether a LoRA adapter fits the base model, as llama.cpp checks it', () => {
  it('fits when each adapted matrix is input × rank then rank × output of the model tensor', () => {
    const fits = lora([
      ['blk.0.attn_q.weight.lora_a', [64, 8]],
      ['blk.0.attn_q.weight.lora_b', [8, 64]],
      ['blk.0.ffn_up.weight.lora_a', [64, 8]],
      ['blk.0.ffn_up.weight.lora_b', [8, 128]],
    ]);
    expect(loraMismatch(fits, model)).toBeUndefined();
  });

  it("reads the input embedding's adapter with A and B the other way round, as llama.cpp does", () => {
    const embedding = lora([
      ['token_embd.weight.lora_a', [8, 512]],
      ['token_embd.weight.lora_b', [8, 64]],
    ]);
    expect(loraMismatch(embedding, model)).toBeUndefined();
    const asOtherMatrices = lora([
      ['token_embd.weight.lora_a', [64, 8]],
      ['token_embd.weight.lora_b', [8, 512]],
    ]);
    expect(loraMismatch(asOtherMatrices, model)).toMatch(/token_embd\.weight is 64×512 in the model, the adapter is for 512×8/);
  });

  it('names the architecture when the adapter is for another one', () => {
    expect(loraMismatch(lora([], 'gemma2'), model)).toBe('made for another base model: the adapter is for a "gemma2" model, LLM_MODEL is "llama"');
  });

  it('names a matrix the model lacks, or has in another shape', () => {
    const missing = lora([
      ['blk.1.attn_q.weight.lora_a', [64, 8]],
      ['blk.1.attn_q.weight.lora_b', [8, 64]],
    ]);
    expect(loraMismatch(missing, model)).toBe('made for another base model: the model has no blk.1.attn_q.weight');
    const wider = lora([
      ['blk.0.ffn_up.weight.lora_a', [64, 8]],
      ['blk.0.ffn_up.weight.lora_b', [8, 256]],
    ]);
    expect(loraMismatch(wider, model)).toBe('made for another base model: blk.0.ffn_up.weight is 64×128 in the model, the adapter is for 64×256');
  });

  it('refuses a half pair and an untransposed A, which llama.cpp cannot apply either', () => {
    expect(loraMismatch(lora([['blk.0.attn_q.weight.lora_a', [64, 8]]]), model)).toMatch(/blk\.0\.attn_q\.weight has \.lora_a without \.lora_b/);
    const untransposed = lora([
      ['blk.0.attn_q.weight.lora_a', [64, 8]],
      ['blk.0.attn_q.weight.lora_b', [4, 64]],
    ]);
    expect(loraMismatch(untransposed, model)).toMatch(/lora_a is not transposed/);
  });

  it('checks only the architecture when a tensor list was not read', () => {
    expect(loraMismatch({ architecture: 'llama', tensors: undefined }, model)).toBeUndefined();
  });
});
