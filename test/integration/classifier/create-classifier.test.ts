import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ownLabels, writeRelabelledClassifier } from '../../../scripts/fixtures/relabelled-classifier.js';
import { loadConfig } from '../../../src/config.js';
import { EMOTIONS } from '../../../src/domain/emotions.js';
import { createOnnxClassifier } from '../../../src/worker/create-classifier.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

const GENERIC_LABELS = EMOTIONS.map((_, id) => `LABEL_${id}`);

/** The warnings logged while loading EMOTION_MODEL (and EMOTION_LABEL_MAP) as the worker, api, analyze and eval do. */
async function loadWarnings(env: Record<string, string>): Promise<Array<Record<string, unknown>>> {
  const { logger, lines } = capturedLogger();
  const classifier = await createOnnxClassifier(loadConfig(env), logger);
  await classifier.dispose();
  return lines.filter((line) => line.level === 'warn');
}

describe('loading a model whose labels are only generic names', () => {
  /** Six outputs of the shipped graph in dair-ai's order, as a hub model that kept LABEL_0..LABEL_5 has them. */
  let generic: string;
  let named: string;
  beforeAll(() => {
    const outputsFrom = EMOTIONS.map((emotion) => ownLabels(SHIPPED_EMOTION_MODEL).indexOf(emotion));
    generic = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}generic6-classifier`, GENERIC_LABELS, { outputsFrom });
    named = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}named6-classifier`, EMOTIONS, { outputsFrom });
  });

  it("warns at start-up that LABEL_0..LABEL_5 are read in dair-ai's order, naming it, and says to set EMOTION_LABEL_MAP", async () => {
    const warnings = await loadWarnings({ EMOTION_MODEL: generic });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ model: generic, labelMapping: 'generic6' });
    const message = String(warnings[0]!.msg);
    expect(message).toContain('LABEL_0=sadness, LABEL_1=joy, LABEL_2=love, LABEL_3=anger, LABEL_4=fear, LABEL_5=surprise');
    expect(message).toContain('set EMOTION_LABEL_MAP');
  });

  it("says nothing when the operator's EMOTION_LABEL_MAP maps those labels", async () => {
    const mapFile = `${GENERATED_DIR}generic6-label-map.json`;
    writeFileSync(mapFile, JSON.stringify(Object.fromEntries(GENERIC_LABELS.map((label, id) => [label, EMOTIONS[EMOTIONS.length - 1 - id]]))));
    expect(await loadWarnings({ EMOTION_MODEL: generic, EMOTION_LABEL_MAP: mapFile })).toEqual([]);
  });

  it('says nothing for the shipped model or a model that names its labels', async () => {
    expect(await loadWarnings({ EMOTION_MODEL: SHIPPED_EMOTION_MODEL })).toEqual([]);
    expect(await loadWarnings({ EMOTION_MODEL: named })).toEqual([]);
  });
});
