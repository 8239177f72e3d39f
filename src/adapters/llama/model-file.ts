import { readdir, stat } from 'node:fs/promises';
import { ErrorCodes, FeelbotError } from '../../errors.js';

/** A folder's .gguf files named in the error at most: enough to pick from, short enough to read. */
const LISTED_GGUF_FILES = 3;

/**
 * Fails with MODEL_NOT_FOUND unless `path` is a file. A folder (the models folder instead of the
 * .gguf in it) says so and names the .gguf files in it: llama.cpp would call it a corrupt model.
 */
export async function checkModelFile(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new FeelbotError(
      ErrorCodes.ModelNotFound,
      `Model file not found: ${path}. Set LLM_MODEL to an existing .gguf file, ` +
        'or to an hf:user/repo:quant URI and run `feelbot models pull`.',
      { cause: error, userFacing: true, permanent: true, details: { path } },
    );
  }
  if (info.isFile()) return;
  if (info.isDirectory()) throw await folderGiven(path);
  throw new FeelbotError(ErrorCodes.ModelNotFound, `LLM_MODEL names ${path}, which is not a file; set it to a .gguf file.`, {
    userFacing: true,
    permanent: true,
    details: { path },
  });
}

async function folderGiven(path: string): Promise<FeelbotError> {
  const ggufs = (await readdir(path, { withFileTypes: true }).catch(() => []))
    .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.gguf'))
    .map((entry) => entry.name)
    .sort();
  const listed = ggufs.slice(0, LISTED_GGUF_FILES).join(', ') + (ggufs.length > LISTED_GGUF_FILES ? `, and ${ggufs.length - LISTED_GGUF_FILES} more` : '');
  const message =
    ggufs.length === 0
      ? `LLM_MODEL names a folder (${path}) with no .gguf file in it; set it to a .gguf file, or to an hf:user/repo:quant URI.`
      : `LLM_MODEL names a folder (${path}); set it to the .gguf file inside it (${listed}).`;
  return new FeelbotError(ErrorCodes.ModelNotFound, message, { userFacing: true, permanent: true, details: { path, ggufFiles: ggufs } });
}
