import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { resolveProjectPath } from '../files/package-root.js';

export type ModelLocation =
  | { readonly kind: 'local'; readonly dir: string }
  | { readonly kind: 'hub'; readonly id: string };

/** "owner/name" with the characters the Hugging Face hub allows. */
const HUB_ID = /^[\w.-]+\/[\w.-]+$/;

/** `EMOTION_MODEL` is a local folder when one exists at that path, else a hub id. */
export function locateModel(model: string): ModelLocation {
  const dir = resolveProjectPath(model);
  if (existsSync(dir)) {
    if (!existsSync(join(dir, 'config.json'))) {
      throw new FeelbotError(ErrorCodes.ModelCorrupt, `EMOTION_MODEL folder ${dir} has no config.json.`, {
        userFacing: true,
        permanent: true,
      });
    }
    return { kind: 'local', dir };
  }
  if (HUB_ID.test(model) && !model.startsWith('.') && !model.startsWith('models/')) return { kind: 'hub', id: model };
  throw new FeelbotError(
    ErrorCodes.ModelNotFound,
    `EMOTION_MODEL ${model} is neither a folder (${dir} does not exist) nor a Hugging Face id like "owner/name".`,
    { userFacing: true, permanent: true },
  );
}
