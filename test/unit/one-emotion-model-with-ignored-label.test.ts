import { describe, expect, it } from 'vitest';
import { aggregateScores, type LabelScore } from '../../src/domain/aggregate-scores.js';
import { resolveLabelMapping } from '../../src/domain/label-mapping.js';

/** A one-emotion detector whose other label is ignored: EMOTION_LABEL_MAP {"fear": "fear", "not_fear": null}. */
const { mapping } = resolveLabelMapping(['fear', 'not_fear'], { fear: 'fear', not_fear: null });
const scored = (fear: number): LabelScore[] => [
  { label: 'fear', score: fear },
  { label: 'not_fear', score: 1 - fear },
];

describe('a one-emotion model whose other label is ignored', () => {
  it('reads a text the model gives 95% fear as confident fear, not neutral', () => {
    const analysis = aggregateScores(scored(0.95), mapping!, { hasNeutral: false });
    expect(analysis).toMatchObject({ emotion: 'fear', neutral: false });
    expect(analysis.confidence).toBeCloseTo(0.95);
  });

  it('still reads a text the model gives 40% fear as neutral: the ignored label is the likelier outcome', () => {
    const analysis = aggregateScores(scored(0.4), mapping!, { hasNeutral: false });
    expect(analysis).toMatchObject({ emotion: 'fear', neutral: true });
    expect(analysis.confidence).toBeCloseTo(0.4);
  });

  it('keeps a neutralThreshold given over the default', () => {
    expect(aggregateScores(scored(0.95), mapping!, { hasNeutral: false, neutralThreshold: 0.99 }).neutral).toBe(true);
  });
});
