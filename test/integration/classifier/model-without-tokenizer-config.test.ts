import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ownLabels, writeRelabelledClassifier } from '../../../scripts/fixtures/relabelled-classifier.js';
import { ErrorCodes } from '../../../src/errors.js';
import { classifierLoadOutcome as loadOutcome } from '../../support/classifier-load-outcome.js';
import { serveOnFetchHub } from '../../support/fetch-hub.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

/** A copy of the shipped model as it comes from the hub (no feelbot keys), with tokenizer.json but no tokenizer_config.json. */
function withoutTokenizerConfig(name: string): string {
  const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}${name}`, ownLabels(SHIPPED_EMOTION_MODEL), {
    extraConfig: { feelbot_default_dtype: undefined },
  });
  rmSync(join(dir, 'tokenizer_config.json'));
  return dir;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('an EMOTION_MODEL with tokenizer.json but no tokenizer_config.json', () => {
  it('as a local folder is MODEL_CORRUPT naming tokenizer_config.json, not an UNEXPECTED TypeError', async () => {
    const error = await loadOutcome({ model: withoutTokenizerConfig('no-tokenizer-config') });
    expect(error).toMatchObject({ code: ErrorCodes.ModelCorrupt });
    expect((error as Error).message).toContain('has no tokenizer_config.json');
  });

  it('on the hub is MODEL_NOT_FOUND naming tokenizer_config.json', async () => {
    const repo = withoutTokenizerConfig('hub-repo-no-tokenizer-config');
    const cacheDir = `${GENERATED_DIR}hub-cache-no-tokenizer-config`;
    rmSync(cacheDir, { recursive: true, force: true });
    serveOnFetchHub('someone/no-tokenizer-config', repo);
    const error = await loadOutcome({ model: 'someone/no-tokenizer-config', cacheDir });
    expect(error).toMatchObject({ code: ErrorCodes.ModelNotFound });
    expect((error as Error).message).toContain('has no tokenizer_config.json');
  });
});
