import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { EMOTIONS, NEUTRAL } from '../../domain/emotions.js';
import type { LabelMapping } from '../../domain/label-mapping.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { resolveProjectPath } from './package-root.js';

/** null ignores a label (IGNORED_LABEL): the model's outputs it names count for no outcome. */
const LabelMapSchema = z.record(z.string(), z.enum([...EMOTIONS, NEUTRAL]).nullable());

function configInvalid(message: string, cause: unknown): FeelbotError {
  return new FeelbotError(ErrorCodes.ConfigInvalid, message, { cause, userFacing: true, permanent: true });
}

/** EMOTION_LABEL_MAP: a JSON object from a model's label to one of feelbot's seven outcomes, or null. */
export async function loadLabelMap(file: string | undefined): Promise<LabelMapping | undefined> {
  if (!file) return undefined;
  const path = resolveProjectPath(file);
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw configInvalid(
      code === 'ENOENT'
        ? `EMOTION_LABEL_MAP ${path} does not exist. Create it or point EMOTION_LABEL_MAP at the right file.`
        : `EMOTION_LABEL_MAP ${path} cannot be read (${code ?? (cause as Error).message}).`,
      cause,
    );
  }
  try {
    return LabelMapSchema.parse(JSON.parse(content));
  } catch (cause) {
    throw configInvalid(`EMOTION_LABEL_MAP ${path} must be a JSON object like {"happy": "joy", "other": "neutral"}, or null for a label to ignore.`, cause);
  }
}
