import { renderedPromptTokens } from '../adapters/llama/llama-reply-generator.js';
import { checkPersonasFitContext } from '../domain/check-personas-fit-context.js';
import type { PersonaSet } from '../domain/persona.js';
import type { Config } from '../config.js';
import { checkLorasFitModel } from './check-loras-fit-model.js';
import type { Engines } from './create-engines.js';

/**
 * The start-up checks that need the loaded model: every persona fits the replies' context
 * (`engines.contextSize`: LLM_CONTEXT_SIZE, or the shorter context LLM_MODEL was trained on)
 * with its prompt measured through LLM_MODEL's chat template,
 * and every persona's LoRA adapter fits LLM_MODEL. On a failure the engines are disposed, so the process can exit.
 */
export async function checkPersonasFitEngines(personas: PersonaSet, config: Config, engines: Engines): Promise<void> {
  const { model } = engines.runtime;
  const { contextSize } = engines;
  // Raising LLM_CONTEXT_SIZE cannot help a persona that does not fit the model's whole trained context.
  const trained = contextSize === model.trainContextSize && contextSize < config.llm.contextSize;
  const limit = trained
    ? { tokens: contextSize, described: `the ${contextSize} tokens LLM_MODEL was trained on (LLM_CONTEXT_SIZE=${config.llm.contextSize})`, remedy: 'use a model trained on a longer context' }
    : { tokens: contextSize };
  try {
    // Counted as the replies count: the chat template's markup, guessed, could leave a reply no room.
    checkPersonasFitContext(personas, limit, (text) => model.tokenize(text).length, renderedPromptTokens(model));
    await checkLorasFitModel(personas, model);
  } catch (error) {
    await engines.dispose();
    throw error;
  }
}
