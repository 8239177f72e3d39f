import type { LlamaModel } from 'node-llama-cpp';
import { resolveProjectPath } from '../adapters/files/package-root.js';
import { loraModelMismatch } from '../adapters/llama/lora-model-mismatch.js';
import { EMOTIONS } from '../domain/emotions.js';
import type { PersonaSet } from '../domain/persona.js';
import { ErrorCodes, FeelbotError } from '../errors.js';

/**
 * Fails at start-up when a persona's LoRA adapter was made for another base model than LLM_MODEL
 * (LORA_MODEL_MISMATCH, every such persona listed): llama.cpp would refuse it at each of that
 * persona's replies. Runs after checkLoraFiles, so every path is a readable LoRA adapter.
 */
export async function checkLorasFitModel(personas: PersonaSet, model: LlamaModel): Promise<void> {
  const mismatched: Array<{ persona: string; name: string; path: string; problem: string }> = [];
  for (const emotion of EMOTIONS) {
    const { lora, name } = personas[emotion];
    if (lora === undefined) continue;
    const path = resolveProjectPath(lora);
    const problem = await loraModelMismatch(path, model);
    if (problem) mismatched.push({ persona: emotion, name, path, problem });
  }
  if (mismatched.length === 0) return;
  const lines = mismatched.map(({ persona, name, path, problem }) => `Persona ${persona} (${name}): ${problem}: ${path}`);
  throw new FeelbotError(
    ErrorCodes.LoraModelMismatch,
    `${lines.join('\n')}\nUse the adapter trained for LLM_MODEL's base model, set LLM_MODEL to the model it was trained for, or remove "lora" from PERSONAS_FILE.`,
    { userFacing: true, permanent: true, details: { mismatched } },
  );
}
