import { fileURLToPath } from 'node:url';
import { ensureTinyGguf } from '../../scripts/fixtures/tiny-gguf.js';

/** test/.generated/ is gitignored; fixtures are written there by scripts on first use. */
export const GENERATED_DIR = fileURLToPath(new URL('../.generated/', import.meta.url));

export function tinyModelPath(): string {
  return ensureTinyGguf(`${GENERATED_DIR}tiny.gguf`);
}
