import type { LlamaModel } from 'node-llama-cpp';
import { resolveProjectPath } from '../adapters/files/package-root.js';
import { loraModelMismatch, modelShapes } from '../adapters/llama/lora-model-mismatch.js';
import { EMOTIONS } from '../domain/emotions.js';
import type { PersonaSet } from '../domain/persona.js';
import { ErrorCodes, FeelbotError } from '../errors.js';
import { describeLoraProblems, type LoraProblem } from './check-lora-files.js';

/**
 * Fails at start-up when a persona's LoRA adapter was made for another base model than LLM_MODEL
 * (LORA_MODEL_MISMATCH, every such persona listed): llama.cpp would refuse it at each of that
 * persona's replies. Runs after checkLoraFiles, so every path is a readable LoRA adapter.
 */
export async function checkLorasFitModel(personas: PersonaSet, model: LlamaModel): Promise<void> {
  const shapes = modelShapes(model);
  const mismatched: LoraProblem[] = [];
  for (const emotion of EMOTIONS) {
    const { lora, name } = personas[emotion];
    if (lora === undefined) continue;
    const path = resolveProjectPath(lora);
    const problem = await loraModelMismatch(path, shapes);
    if (problem) mismatched.push({ persona: emotion, name, path, problem });
  }
  if (mismatched.length === 0) return;
  throw new FeelbotError(
    ErrorCodes.LoraModelMismatch,
    `${describeLoraProblems(mismatched)}\nUse the adapter trained for LLM_MODEL's base model, set LLM_MODEL to the model it was trained for, or remove "lora" from PERSONAS_FILE.`,
    { userFacing: true, permanent: true, details: { mismatched } },
  );
}
