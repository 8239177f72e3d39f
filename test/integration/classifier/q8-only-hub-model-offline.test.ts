import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ownLabels, writeRelabelledClassifier } from '../../../scripts/fixtures/relabelled-classifier.js';
import { classifierLoadOutcome as loadOutcome } from '../../support/classifier-load-outcome.js';
import { serveOnFetchHub } from '../../support/fetch-hub.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

const MODEL = 'someone/q8-only';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a hub EMOTION_MODEL with only q8 weights (onnx/model_quantized.onnx, no onnx/model.onnx)', () => {
  it('loads offline from the cache `feelbot models pull` filled, as it loaded online', async () => {
    const repo = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}hub-repo-q8-only-offline`, ownLabels(SHIPPED_EMOTION_MODEL), {
      extraConfig: { feelbot_default_dtype: undefined },
    });
    rmSync(join(repo, 'onnx', 'model.onnx'));
    const cacheDir = `${GENERATED_DIR}hub-cache-q8-only-offline`;
    rmSync(cacheDir, { recursive: true, force: true });
    let online = true;
    // Offline, no request gets an answer.
    serveOnFetchHub(MODEL, repo, { online: () => online });
    // `feelbot models pull` loads the model once, which fills the cache: fp32 is missing, so its q8 weights.
    expect(await loadOutcome({ model: MODEL, cacheDir })).toMatchObject({ emotion: 'fear' });
    expect(existsSync(join(cacheDir, MODEL, 'onnx', 'model_quantized.onnx'))).toBe(true);
    online = false;
    expect(await loadOutcome({ model: MODEL, cacheDir })).toMatchObject({ emotion: 'fear' });
  });
});
