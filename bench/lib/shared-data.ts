import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The datasets the brief puts beside the repository (../shared/data), which are not ours to commit. */
const SHARED_DATA = new URL('../../../shared/data/', import.meta.url);

/**
 * A file of ../shared/data. Without it the benchmark cannot run at all, so it stops there with a
 * message that says where the file was looked for and what it is (exit 2), not a stack trace.
 */
export function readSharedData(path: string): string {
  const file = fileURLToPath(new URL(path, SHARED_DATA));
  if (!existsSync(file)) {
    process.stderr.write(
      `This benchmark reads ${file}: the datasets dair-ai/emotion and GoEmotions in shared/data beside the ` +
        'repository (see training/README.md, "Data"). Put them there, or run it from a checkout that has them.\n',
    );
    process.exit(2);
  }
  return readFileSync(file, 'utf8');
}
