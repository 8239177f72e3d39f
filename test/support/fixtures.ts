import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureTinyGguf } from '../../scripts/fixtures/tiny-gguf.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';

/** test/.generated/ is gitignored; fixtures are written there by scripts on first use. */
export const GENERATED_DIR = fileURLToPath(new URL('../.generated/', import.meta.url));

/** The shipped classifier, as users get it. */
export const SHIPPED_EMOTION_MODEL = 'models/emotion';

export function tinyModelPath(): string {
  return ensureTinyGguf(`${GENERATED_DIR}tiny.gguf`);
}

/**
 * A model big enough that one long reply takes seconds on a CPU, so a test can kill a worker in
 * the middle of a generation. Still random weights; about 40 MB.
 */
export function slowModelPath(): string {
  return ensureTinyGguf(`${GENERATED_DIR}slow.gguf`, {
    shape: { embedding: 512, layers: 12, heads: 8, kvHeads: 4, feedForward: 1_536, vocab: 512, weightType: 'Q8_0' },
  });
}

/** A persona file whose replies run to `maxTokens`, for tests that need generation to take a while. */
export function longRepliesPersonaFile(maxTokens: number): string {
  const path = `${GENERATED_DIR}long-replies-${maxTokens}.json`;
  const personas = Object.fromEntries(
    Object.values(DEFAULT_PERSONAS).map((persona) => [persona.emotion, { sampling: { ...persona.sampling, maxTokens }, maxReplyChars: 2_000 }]),
  );
  writeFileSync(path, JSON.stringify({ personas }));
  return path;
}
