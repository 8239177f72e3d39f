import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownLabels, writeRelabelledClassifier } from '../../../scripts/fixtures/relabelled-classifier.js';
import { loadEmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import type { TransformersClassifierOptions } from '../../../src/adapters/transformers/transformers-classifier.js';
import { ErrorCodes } from '../../../src/errors.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

const OWN = ownLabels(SHIPPED_EMOTION_MODEL);
const HAPPY = 'i am so happy today';
/** A broken weights file: bytes ONNX Runtime cannot read as a graph. */
const NOT_ONNX = 'not an onnx graph';

/** "loaded: <emotion of HAPPY>", or "<code>: <message>" when the model does not load. */
async function outcome(options: TransformersClassifierOptions): Promise<string> {
  return loadEmotionModel(options).then(
    async (model) => {
      const [result] = await model.classify([HAPPY]);
      await model.dispose();
      return `loaded: ${result!.emotion}`;
    },
    (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
  );
}

/** A hub-style copy of the shipped model: its labels, none of feelbot's config keys. */
function hubStyleCopy(name: string, extraConfig: Readonly<Record<string, unknown>> = {}): string {
  return writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}${name}`, OWN, {
    extraConfig: { feelbot_default_dtype: undefined, ...extraConfig },
  });
}

describe('an EMOTION_MODEL with only quantized ONNX weights', () => {
  it("loads when its config.json's transformers.js_config says dtype q8 (transformers.js's own way to name its weights)", async () => {
    const dir = hubStyleCopy('q8-declared', { 'transformers.js_config': { dtype: 'q8' } });
    rmSync(join(dir, 'onnx', 'model.onnx'));
    expect(await outcome({ model: dir })).toBe('loaded: joy');
  });

  it('loads when onnx/model_quantized.onnx is its only weights file', async () => {
    const dir = hubStyleCopy('q8-only');
    rmSync(join(dir, 'onnx', 'model.onnx'));
    expect(await outcome({ model: dir })).toBe('loaded: joy');
  });

  it("is read at the dtype its transformers.js_config names even when onnx/model.onnx is there too", async () => {
    const dir = hubStyleCopy('q8-declared-beside-fp32', { 'transformers.js_config': { dtype: 'q8' } });
    writeFileSync(join(dir, 'onnx', 'model.onnx'), NOT_ONNX);
    expect(await outcome({ model: dir })).toBe('loaded: joy');
  });

  it("an operator's dtype wins over the folder's: fp32 asked of a quantized-only folder is MODEL_CORRUPT naming the missing file, not advice to retrain", async () => {
    const dir = hubStyleCopy('q8-only-asked-fp32');
    rmSync(join(dir, 'onnx', 'model.onnx'));
    const result = await outcome({ model: dir, dtype: 'fp32' });
    expect(result).toMatch(new RegExp(`^${ErrorCodes.ModelCorrupt}: `));
    expect(result).toContain('onnx/model.onnx');
    expect(result).toContain('EMOTION_DTYPE');
    expect(result).not.toMatch(/retrain|train_classifier/);
  });
});

describe("MODEL_CORRUPT's advice for a model folder", () => {
  it('a hub-style folder with no weights at all names the file it lacks, and does not say to retrain it', async () => {
    const dir = hubStyleCopy('no-weights');
    rmSync(join(dir, 'onnx'), { recursive: true });
    const result = await outcome({ model: dir });
    expect(result).toMatch(new RegExp(`^${ErrorCodes.ModelCorrupt}: `));
    expect(result).toContain('has no onnx/model.onnx');
    expect(result).not.toMatch(/retrain|train_classifier/);
  });

  it("feelbot's own folder without its weights still says to retrain it or restore it from git", async () => {
    const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}own-without-weights`, OWN, { keepNormalizer: true });
    rmSync(join(dir, 'onnx', 'model.onnx'));
    const result = await outcome({ model: dir });
    expect(result).toMatch(new RegExp(`^${ErrorCodes.ModelCorrupt}: `));
    expect(result).toContain('onnx/model.onnx');
    expect(result).toContain('train_classifier.py');
  });
});

describe("the shipped model's weights", () => {
  it('are still its fp32 ones: a broken onnx/model_quantized.onnx beside them changes nothing', async () => {
    const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}own-broken-q8`, OWN, { keepNormalizer: true });
    writeFileSync(join(dir, 'onnx', 'model_quantized.onnx'), NOT_ONNX);
    const copy = await loadEmotionModel({ model: dir });
    const shipped = await loadEmotionModel({ model: SHIPPED_EMOTION_MODEL });
    try {
      const texts = [HAPPY, 'i feel terrified of what comes next', 'ok see you at 5'];
      expect(await copy.classify(texts)).toEqual(await shipped.classify(texts));
    } finally {
      await Promise.all([copy.dispose(), shipped.dispose()]);
    }
  });

  it("stay fp32 by its feelbot_default_dtype: without onnx/model.onnx it is MODEL_CORRUPT naming that file, not its q8 ones loaded unasked", async () => {
    const own = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}own-fp32-missing`, OWN, { keepNormalizer: true });
    rmSync(join(own, 'onnx', 'model.onnx'));
    const result = await outcome({ model: own });
    expect(result).toMatch(new RegExp(`^${ErrorCodes.ModelCorrupt}: `));
    expect(result).toContain('onnx/model.onnx');
    // The same folder without the setting: its only weights, the q8 ones, load.
    const unset = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}own-fp32-missing-unset`, OWN, {
      keepNormalizer: true,
      extraConfig: { feelbot_default_dtype: undefined },
    });
    rmSync(join(unset, 'onnx', 'model.onnx'));
    expect(await outcome({ model: unset })).toBe('loaded: joy');
  });

  it("are the q8 ones when the operator asks for q8, over the folder's fp32 default", async () => {
    const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}own-broken-fp32`, OWN, { keepNormalizer: true });
    writeFileSync(join(dir, 'onnx', 'model.onnx'), NOT_ONNX);
    expect(await outcome({ model: dir, dtype: 'q8' })).toBe('loaded: joy');
    expect(await outcome({ model: dir })).toMatch(new RegExp(`^${ErrorCodes.ModelCorrupt}: `));
  });
});
