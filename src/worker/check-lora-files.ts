import { access } from 'node:fs/promises';
import { resolveProjectPath } from '../adapters/files/package-root.js';
import { loraAdapterProblem } from '../adapters/llama/lora-file-info.js';
import { EMOTIONS } from '../domain/emotions.js';
import type { PersonaSet } from '../domain/persona.js';
import { ErrorCodes, FeelbotError } from '../errors.js';

/** A persona whose LoRA adapter cannot be used, and why. */
export interface LoraProblem {
  readonly persona: string;
  readonly name: string;
  readonly path: string;
  readonly problem: string;
}

/**
 * Fails at start-up when a persona names a LoRA adapter file that is not there (MODEL_NOT_FOUND),
 * or one that is not a whole GGUF LoRA adapter: random bytes, a copy or download cut short (in its
 * header or after it), a whole model (MODEL_CORRUPT). Every such persona is listed. Otherwise the worker would say it is ready
 * and fail each of their replies for good. Paths resolve as LoraContexts resolves them when it
 * opens the adapter. An adapter made for another base model is found once the model has loaded
 * (checkLorasFitModel).
 */
export async function checkLoraFiles(personas: PersonaSet): Promise<void> {
  const missing: LoraProblem[] = [];
  const invalid: LoraProblem[] = [];
  for (const emotion of EMOTIONS) {
    const { lora, name } = personas[emotion];
    if (lora === undefined) continue;
    const path = resolveProjectPath(lora);
    if (!(await access(path).then(() => true, () => false))) {
      missing.push({ persona: emotion, name, path, problem: 'LoRA adapter not found' });
      continue;
    }
    const problem = await loraAdapterProblem(path);
    if (problem) invalid.push({ persona: emotion, name, path, problem });
  }
  const fix = 'Fix the "lora" path in PERSONAS_FILE, or remove it to use the base model.';
  if (missing.length > 0) {
    throw new FeelbotError(ErrorCodes.ModelNotFound, `${describeLoraProblems([...missing, ...invalid])}\n${fix}`, { userFacing: true, permanent: true, details: { missing, invalid } });
  }
  if (invalid.length > 0) {
    throw new FeelbotError(ErrorCodes.ModelCorrupt, `${describeLoraProblems(invalid)}\n${fix}`, { userFacing: true, permanent: true, details: { invalid } });
  }
}

/** One line per persona: `Persona joy (Joy): <problem>: <path>`. */
export function describeLoraProblems(problems: readonly LoraProblem[]): string {
  return problems.map(({ persona, name, path, problem }) => `Persona ${persona} (${name}): ${problem}: ${path}`).join('\n');
}
