import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ownLabels, writeRelabelledClassifier } from '../../../scripts/fixtures/relabelled-classifier.js';
import { TransformersClassifier, type TransformersClassifierOptions } from '../../../src/adapters/transformers/transformers-classifier.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

const MODEL = 'someone/q8-only';

/** The loaded classifier's first analysis, or the error that stopped it loading. */
async function loadOutcome(options: TransformersClassifierOptions): Promise<unknown> {
  try {
    const classifier = await TransformersClassifier.load(options);
    const [analysis] = await classifier.classify(['i feel terrified of what comes next']);
    await classifier.dispose();
    return analysis;
  } catch (error) {
    return error;
  }
}

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
    // huggingface.co serving the repository's files, and 404 for any it lacks; offline, no request gets an answer.
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
      if (!online) throw new TypeError('fetch failed');
      const path = new RegExp(`^https://huggingface\\.co/${MODEL}/resolve/main/(.+)$`).exec(String(input))?.[1];
      const file = path && join(repo, decodeURIComponent(path));
      if (!file || !existsSync(file)) return new Response('Entry not found', { status: 404 });
      const body = readFileSync(file);
      return new Response(body, { status: 200, headers: { 'content-length': String(body.length) } });
    });
    // `feelbot models pull` loads the model once, which fills the cache: fp32 is missing, so its q8 weights.
    expect(await loadOutcome({ model: MODEL, cacheDir })).toMatchObject({ emotion: 'fear' });
    expect(existsSync(join(cacheDir, MODEL, 'onnx', 'model_quantized.onnx'))).toBe(true);
    online = false;
    expect(await loadOutcome({ model: MODEL, cacheDir })).toMatchObject({ emotion: 'fear' });
  });
});
