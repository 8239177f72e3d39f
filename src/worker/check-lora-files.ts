import { access } from 'node:fs/promises';
import { resolveProjectPath } from '../adapters/files/package-root.js';
import { EMOTIONS } from '../domain/emotions.js';
import type { PersonaSet } from '../domain/persona.js';
import { ErrorCodes, FeelbotError } from '../errors.js';

/**
 * Fails at start-up when a persona names a LoRA adapter file that is not there, listing every
 * such persona. Otherwise the worker would say it is ready and fail each of their replies for good.
 * Paths resolve as LoraContexts resolves them when it opens the adapter.
 */
export async function checkLoraFiles(personas: PersonaSet): Promise<void> {
  const missing: Array<{ persona: string; name: string; path: string }> = [];
  for (const emotion of EMOTIONS) {
    const { lora, name } = personas[emotion];
    if (lora === undefined) continue;
    const path = resolveProjectPath(lora);
    const found = await access(path).then(() => true, () => false);
    if (!found) missing.push({ persona: emotion, name, path });
  }
  if (missing.length === 0) return;
  const lines = missing.map(({ persona, name, path }) => `Persona ${persona} (${name}): LoRA adapter not found: ${path}`);
  throw new FeelbotError(
    ErrorCodes.ModelNotFound,
    `${lines.join('\n')}\nFix the "lora" path in PERSONAS_FILE, or remove it to use the base model.`,
    { userFacing: true, permanent: true, details: { missing } },
  );
}
