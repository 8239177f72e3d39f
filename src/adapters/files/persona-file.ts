import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEFAULT_PERSONAS } from '../../domain/default-personas.js';
import { EMOTIONS, type Emotion } from '../../domain/emotions.js';
import { PersonaSchema, type Persona, type PersonaSet } from '../../domain/persona.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { resolveProjectPath } from './package-root.js';

/** An override file changes only what it names; everything else keeps the defaults. */
const OverrideSchema = z.object({
  personas: z.partialRecord(z.enum(EMOTIONS), PersonaSchema.omit({ emotion: true }).partial()),
});

/** The six personas: the defaults, with an operator's file (PERSONAS_FILE) laid over them. */
export async function loadPersonas(file: string | undefined): Promise<PersonaSet> {
  if (!file) return DEFAULT_PERSONAS;
  const path = resolveProjectPath(file);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw invalid(`PERSONAS_FILE ${path} cannot be read as JSON.`, cause);
  }
  const parsed = OverrideSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw invalid(`PERSONAS_FILE ${path} is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  const merged: Partial<Record<Emotion, Persona>> = {};
  for (const emotion of EMOTIONS) {
    const candidate = { ...DEFAULT_PERSONAS[emotion], ...parsed.data.personas[emotion], emotion };
    const checked = PersonaSchema.safeParse(candidate);
    if (!checked.success) throw invalid(`PERSONAS_FILE ${path}: persona ${emotion} is invalid: ${checked.error.message}`);
    merged[emotion] = checked.data;
  }
  return merged as PersonaSet;
}

function invalid(message: string, cause?: unknown): FeelbotError {
  return new FeelbotError(ErrorCodes.PersonaFileInvalid, message, { cause, userFacing: true, permanent: true });
}
