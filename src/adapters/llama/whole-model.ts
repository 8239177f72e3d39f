import { basename } from 'node:path';
import { ggufCompleteness } from './gguf-completeness.js';

/** A split GGUF's part (`…-00001-of-00003.gguf`): llama.cpp loads the first and finds the others by this name, as node-llama-cpp does. */
const SPLIT_PART = /-(\d{5})-of-(\d{5})\.gguf$/;

/** The files a model saved as `path` is made of: a split GGUF's every part (the first is the one to load), or `path`. */
export function modelFiles(path: string): string[] {
  const split = SPLIT_PART.exec(path);
  const part = Number(split?.[1]);
  const parts = Number(split?.[2]);
  if (!split || part === 0 || parts === 0 || part > parts) return [path];
  const base = path.slice(0, -split[0].length);
  return Array.from({ length: parts }, (_, index) => `${base}-${String(index + 1).padStart(5, '0')}-of-${split[2]}.gguf`);
}

/**
 * Why the model saved as `path` cannot be used, naming the first of its files (every part of a split
 * GGUF) that does not hold all the data its GGUF header lists; undefined when each one does. Its name
 * alone does not say so: an interrupted download, a disk that filled or an older feelbot left some short under it.
 */
export async function incompleteModel(path: string): Promise<Error | undefined> {
  for (const file of modelFiles(path)) {
    const check = await ggufCompleteness(file);
    if (!check.whole) return new Error(`${basename(file)} is incomplete or not a GGUF model (${check.reason})`);
  }
  return undefined;
}
