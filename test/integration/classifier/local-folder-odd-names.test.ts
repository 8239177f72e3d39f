import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownLabels, writeRelabelledClassifier } from '../../../scripts/fixtures/relabelled-classifier.js';
import { loadEmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

/** A copy of the shipped model as a hub download is: no feelbot keys, so nothing marks it as feelbot's. */
const NOT_FEELBOT = { feelbot_default_dtype: undefined, feelbot_temperature: undefined, feelbot_architecture: undefined };

describe('a local EMOTION_MODEL folder, not in the working directory, whose name is no valid hub id', () => {
  // A space, "--" or ".." in the folder's own name: transformers.js reads such a name as a path from
  // the working directory, not under its env.localModelPath.
  for (const name of ['ekman emotion', 'distilroberta--ekman', 'ekman..v2']) {
    it(`"${name}" loads from its absolute path`, async () => {
      const parent = join(GENERATED_DIR, 'odd-folder-names');
      mkdirSync(parent, { recursive: true });
      const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, join(parent, name), ownLabels(SHIPPED_EMOTION_MODEL), { extraConfig: NOT_FEELBOT });
      const model = await loadEmotionModel({ model: dir });
      try {
        expect((await model.classify(['i feel so happy and grateful today']))[0]!.emotion).toBe('joy');
      } finally {
        await model.dispose();
      }
    });
  }
});
