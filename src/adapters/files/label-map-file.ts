import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { EMOTIONS, NEUTRAL } from '../../domain/emotions.js';
import type { LabelMapping } from '../../domain/label-mapping.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { resolveProjectPath } from './package-root.js';

const LabelMapSchema = z.record(z.string(), z.enum([...EMOTIONS, NEUTRAL]));

/** EMOTION_LABEL_MAP: a JSON object from a model's label to one of feelbot's seven outcomes. */
export async function loadLabelMap(file: string | undefined): Promise<LabelMapping | undefined> {
  if (!file) return undefined;
  const path = resolveProjectPath(file);
  try {
    return LabelMapSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (cause) {
    throw new FeelbotError(
      ErrorCodes.ConfigInvalid,
      `EMOTION_LABEL_MAP ${path} must be a JSON object like {"happy": "joy", "other": "neutral"}.`,
      { cause, userFacing: true, permanent: true },
    );
  }
}
