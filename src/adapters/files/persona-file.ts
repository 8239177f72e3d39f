import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEFAULT_PERSONAS } from '../../domain/default-personas.js';
import { EMOTIONS, type Emotion } from '../../domain/emotions.js';
import { PersonaSchema, SamplingSchema, type Persona, type PersonaSet } from '../../domain/persona.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { avatarPathFrom } from './avatar-path.js';
import { resolveProjectPath } from './package-root.js';
import { relativeToFile } from './relative-to-file.js';

/**
 * An override file changes only what it names (within `sampling` too); everything else keeps the
 * defaults. A key it does not know is refused, so a misspelt one is not silently ignored.
 */
const OverrideSchema = z
  .object({
    personas: z.partialRecord(
      z.enum(EMOTIONS),
      PersonaSchema.omit({ emotion: true, sampling: true })
        .extend({ sampling: SamplingSchema.partial().strict() })
        .partial()
        .strict(),
    ),
  })
  .strict();

/** The six personas: the defaults, with an operator's file (PERSONAS_FILE) laid over them. */
export async function loadPersonas(file: string | undefined): Promise<PersonaSet> {
  if (!file) return DEFAULT_PERSONAS;
  const path = resolveProjectPath(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw invalid(`PERSONAS_FILE ${path} cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)}).`, cause);
  }
  let raw: unknown;
  try {
    // An editor's byte-order mark is no part of the JSON.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw invalid(`PERSONAS_FILE ${path} is not valid JSON (${(cause as Error).message}).`, cause);
  }
  const parsed = OverrideSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw invalid(`PERSONAS_FILE ${path} is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  const merged: Partial<Record<Emotion, Persona>> = {};
  for (const emotion of EMOTIONS) {
    const defaults = DEFAULT_PERSONAS[emotion];
    const override = withPathsFrom(path, parsed.data.personas[emotion]);
    const candidate = { ...defaults, ...override, sampling: { ...defaults.sampling, ...override?.sampling }, emotion };
    const checked = PersonaSchema.safeParse(candidate);
    if (!checked.success) throw invalid(`PERSONAS_FILE ${path}: persona ${emotion} is invalid: ${checked.error.message}`);
    merged[emotion] = checked.data;
  }
  return merged as PersonaSet;
}

/** The file's own `lora` and `avatar` paths, read from the file's folder first (relativeToFile, avatarPathFrom). */
function withPathsFrom<T extends { lora?: string; avatar?: string }>(file: string, override: T | undefined): T | undefined {
  if (!override) return override;
  return {
    ...override,
    ...(override.lora === undefined ? {} : { lora: relativeToFile(file, override.lora) }),
    ...(override.avatar === undefined ? {} : { avatar: avatarPathFrom(file, override.avatar) }),
  };
}

function invalid(message: string, cause?: unknown): FeelbotError {
  return new FeelbotError(ErrorCodes.PersonaFileInvalid, message, { cause, userFacing: true, permanent: true });
}
