import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The datasets the brief puts beside the repository (../shared/data), which are not ours to commit. */
const SHARED_DATA = new URL('../../../shared/data/', import.meta.url);

/** A file of ../shared/data, or an error that says where it was looked for and what it is. */
export function readSharedData(path: string): string {
  const file = fileURLToPath(new URL(path, SHARED_DATA));
  if (!existsSync(file)) {
    throw new Error(
      `This benchmark reads ${file}: the datasets dair-ai/emotion and GoEmotions in shared/data beside the ` +
        'repository (see training/README.md, "Data"). Put them there, or run it from a checkout that has them.',
    );
  }
  return readFileSync(file, 'utf8');
}
