import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ownLabels, writeRelabelledClassifier } from '../../scripts/fixtures/relabelled-classifier.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../support/fixtures.js';
import { runFeelbot } from '../support/run-feelbot.js';

/**
 * A model labelled joy, sadness, boredom, hunger, fear, anger, love: five of feelbot's own, each
 * reading the shipped model's output for it, and two that are not, reading the outputs left over
 * (surprise's and neutral's).
 */
function writeOddClassifier(name: string): string {
  const labels = ['joy', 'sadness', 'boredom', 'hunger', 'fear', 'anger', 'love'];
  const own = ownLabels(SHIPPED_EMOTION_MODEL);
  const outputsFrom = labels.map((label) => own.indexOf(label === 'boredom' ? 'surprise' : label === 'hunger' ? 'neutral' : label));
  return writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}${name}`, labels, { outputsFrom });
}

function writeLabelMap(name: string, map: Record<string, string | null>): string {
  const path = `${GENERATED_DIR}${name}`;
  writeFileSync(path, JSON.stringify(map));
  return path;
}

describe('EMOTION_LABEL_MAP adds to the shipped mappings (MODEL_LABELS_UNMAPPED advice)', () => {
  it('following the start-up error, mapping only the labels it names, lets the model load and read its own labels as before', async () => {
    const dir = writeOddClassifier('label-map-advice-classifier');
    const first = await runFeelbot(['analyze', 'i am so happy today'], { EMOTION_MODEL: dir }, 60_000);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('cannot map: boredom, hunger.');
    expect(first.stderr).toContain('Set EMOTION_LABEL_MAP to a JSON file mapping each of them');

    // Do exactly what the error says: map each of the named labels, and only those.
    const mapFile = writeLabelMap('label-map-advice-map.json', { boredom: 'neutral', hunger: 'neutral' });
    const second = await runFeelbot(['analyze', 'i am so happy today'], { EMOTION_MODEL: dir, EMOTION_LABEL_MAP: mapFile }, 60_000);
    expect(second.stderr).not.toContain('MODEL_LABELS_UNMAPPED');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).emotion).toBe('joy');
  });

  it('a label mapped to null in EMOTION_LABEL_MAP is ignored, and counts as mapped', async () => {
    const dir = writeOddClassifier('label-map-ignore-classifier');
    const mapFile = writeLabelMap('label-map-ignore-map.json', { boredom: null, hunger: 'neutral' });
    const run = await runFeelbot(['analyze', 'i feel so angry and furious at them'], { EMOTION_MODEL: dir, EMOTION_LABEL_MAP: mapFile }, 60_000);
    expect(run.stderr).not.toContain('MODEL_LABELS_UNMAPPED');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).emotion).toBe('anger');
  });
});
