import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ownLabels, writeRelabelledClassifier } from '../../../scripts/fixtures/relabelled-classifier.js';
import { TransformersClassifier } from '../../../src/adapters/transformers/transformers-classifier.js';
import { serveOnFetchHub } from '../../support/fetch-hub.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

const MODEL = 'someone/fp32-and-q8';

afterEach(() => {
  vi.restoreAllMocks();
});

// The cache cannot tell "the repository has no fp32 weights" from "an earlier EMOTION_DTYPE=q8 run
// cached only q8": with the hub reachable, the default (the model's own choice, else fp32) is asked of the hub.
describe('a hub EMOTION_MODEL with fp32 and q8 weights, once run with EMOTION_DTYPE=q8', () => {
  it('loads its fp32 weights once EMOTION_DTYPE is unset and the hub answers, though the cache holds only q8', async () => {
    const repo = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}hub-repo-fp32-and-q8`, ownLabels(SHIPPED_EMOTION_MODEL), {
      extraConfig: { feelbot_default_dtype: undefined },
    });
    expect(existsSync(join(repo, 'onnx', 'model.onnx'))).toBe(true);
    expect(existsSync(join(repo, 'onnx', 'model_quantized.onnx'))).toBe(true);
    const cacheDir = `${GENERATED_DIR}hub-cache-fp32-and-q8`;
    rmSync(cacheDir, { recursive: true, force: true });
    const requested: string[] = [];
    serveOnFetchHub(MODEL, repo, { requested });

    // EMOTION_DTYPE=q8 once: only q8 is cached.
    const q8 = await TransformersClassifier.load({ model: MODEL, cacheDir, dtype: 'q8' });
    await q8.dispose();
    expect(existsSync(join(cacheDir, MODEL, 'onnx', 'model_quantized.onnx'))).toBe(true);
    expect(existsSync(join(cacheDir, MODEL, 'onnx', 'model.onnx'))).toBe(false);

    // EMOTION_DTYPE unset again, the hub reachable: fp32, as the README says.
    requested.length = 0;
    const unset = await TransformersClassifier.load({ model: MODEL, cacheDir });
    const [analysis] = await unset.classify(['i feel terrified of what comes next']);
    await unset.dispose();
    expect(analysis).toMatchObject({ emotion: 'fear' });
    expect(requested).toContain('onnx/model.onnx');
    expect(existsSync(join(cacheDir, MODEL, 'onnx', 'model.onnx'))).toBe(true);
  }, 120_000);
});
