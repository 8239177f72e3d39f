import type { LlamaModel } from 'node-llama-cpp';

/**
 * The context a model is given when `requested` tokens are asked for: no more than it was trained
 * on, since past that a RoPE model's output turns to garbage (llama.cpp only warns of a "possible
 * training context overflow"). A model whose file states no trained context gets `requested`.
 */
export function withinTrainedContext(requested: number, model: Pick<LlamaModel, 'trainContextSize'>): number {
  const trained = model.trainContextSize;
  return trained > 0 ? Math.min(requested, trained) : requested;
}
