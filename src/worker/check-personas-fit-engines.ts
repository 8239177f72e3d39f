import { checkPersonasFitContext } from '../domain/check-personas-fit-context.js';
import type { PersonaSet } from '../domain/persona.js';
import type { Config } from '../config.js';
import { checkLorasFitModel } from './check-loras-fit-model.js';
import type { Engines } from './create-engines.js';

/**
 * The start-up checks that need the loaded model: every persona fits LLM_CONTEXT_SIZE, and every
 * persona's LoRA adapter fits LLM_MODEL. On a failure the engines are disposed, so the process can exit.
 */
export async function checkPersonasFitEngines(personas: PersonaSet, config: Config, engines: Engines): Promise<void> {
  const { model } = engines.runtime;
  try {
    checkPersonasFitContext(personas, config.llm.contextSize, (text) => model.tokenize(text).length);
    await checkLorasFitModel(personas, model);
  } catch (error) {
    await engines.dispose();
    throw error;
  }
}
