import { describe, expect, it } from 'vitest';
import { ownLabels, writeRelabelledClassifier } from '../../../scripts/fixtures/relabelled-classifier.js';
import { loadEmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import type { LabelMapping } from '../../../src/domain/label-mapping.js';
import { ErrorCodes } from '../../../src/errors.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

const OWN = ownLabels(SHIPPED_EMOTION_MODEL);
const HAPPY = 'i feel so happy and grateful today';
/** What the MODEL_LABELS_UNMAPPED error tells the operator to write: the generic names mapped to the shipped model's own. */
const GENERIC_TO_OWN = Object.fromEntries(OWN.map((label, id) => [`LABEL_${id}`, label])) as LabelMapping;

/** A copy of the shipped model whose config.json has no id2label (nor label2id), with `extraConfig` besides. */
function unlabelledModel(name: string, extraConfig: Record<string, unknown>, outputsFrom?: number[]): string {
  const labels = outputsFrom ? outputsFrom.map((k) => OWN[k]!) : OWN;
  return writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}unlabelled-${name}`, labels, {
    outputsFrom,
    extraConfig: { id2label: undefined, label2id: undefined, ...extraConfig },
  });
}

async function emotionOf(dir: string, labelMapping?: LabelMapping): Promise<{ emotion: string; mappingName: string }> {
  const model = await loadEmotionModel({ model: dir, labelMapping });
  try {
    return { emotion: (await model.classify([HAPPY]))[0]!.emotion, mappingName: model.labelMappingName };
  } finally {
    await model.dispose();
  }
}

describe('a model whose config.json has no id2label (transformers.js then names its outputs LABEL_0…LABEL_n)', () => {
  it('loads with the EMOTION_LABEL_MAP that the MODEL_LABELS_UNMAPPED error tells the operator to write, n from num_labels', async () => {
    expect(await emotionOf(unlabelledModel('num-labels', { num_labels: OWN.length }), GENERIC_TO_OWN)).toEqual({ emotion: 'joy', mappingName: 'custom' });
  });

  it('loads with that EMOTION_LABEL_MAP when config.json states no num_labels either: n is the number of scores it gives', async () => {
    expect(await emotionOf(unlabelledModel('no-num-labels', {}), GENERIC_TO_OWN)).toEqual({ emotion: 'joy', mappingName: 'custom' });
  });

  it('without a map is MODEL_LABELS_UNMAPPED naming each LABEL_i to map', async () => {
    const failure = await emotionOf(unlabelledModel('unmapped', {})).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: ErrorCodes.ModelLabelsUnmapped, details: { unmapped: OWN.map((_, id) => `LABEL_${id}`) } });
    expect((failure as Error).message).toContain('LABEL_0, LABEL_1');
  });

  it("with six outputs and no map reads as the known generic mapping does (dair-ai's order)", async () => {
    // The shipped model's first six outputs are dair-ai's six, in its order.
    const six = unlabelledModel('six', {}, [0, 1, 2, 3, 4, 5]);
    expect(await emotionOf(six)).toEqual({ emotion: 'joy', mappingName: 'generic6' });
  });
});
