import { describe, expect, it } from 'vitest';
import { aggregateScores, type LabelScore } from '../../src/domain/aggregate-scores.js';
import { IGNORED_LABEL, type LabelMapping } from '../../src/domain/label-mapping.js';
import { poolWindows } from '../../src/domain/pool-windows.js';

/** A two-emotion model with no neutral class, and one label (GoEmotions' "confusion", say) that maps onto nothing. */
const mapping: LabelMapping = { happy: 'joy', sad: 'sadness', puzzled: IGNORED_LABEL };
const scored = (scores: Record<string, number>): LabelScore[] => Object.entries(scores).map(([label, score]) => ({ label, score }));

describe('a label mapped to IGNORED_LABEL', () => {
  it("stays in a softmax's total: a text read mostly as the ignored label is no confident emotion", () => {
    const analysis = aggregateScores(scored({ happy: 0.6, sad: 0.1, puzzled: 0.3 }), mapping, { hasNeutral: false });
    // Dropped from the total, joy would be 0.6 / 0.7 = 0.86, over the two-emotion threshold of 0.67.
    expect(analysis.confidence).toBeCloseTo(0.6);
    expect(analysis).toMatchObject({ emotion: 'joy', neutral: true });
    expect(analysis.scores.joy).toBeCloseTo(0.6 / 0.7);
  });

  it('is no emotion of its own: the default neutral threshold is still the two-emotion one', () => {
    // Counted as a third emotion, the threshold would be 0.56, and 0.6 confident joy.
    const withoutIgnored = aggregateScores(scored({ happy: 0.6, sad: 0.4 }), { happy: 'joy', sad: 'sadness' }, { hasNeutral: false });
    const withIgnored = aggregateScores(scored({ happy: 0.6, sad: 0.4, puzzled: 0 }), mapping, { hasNeutral: false });
    expect(withIgnored).toEqual(withoutIgnored);
  });

  it('in a multi-label model, firing alone leaves the text neutral, and beside an emotion that fires leaves that emotion confident', () => {
    const alone = aggregateScores(scored({ happy: 0.05, sad: 0.02, puzzled: 0.95 }), mapping, { hasNeutral: false, multiLabel: true });
    expect(alone.neutral).toBe(true);
    expect(alone.confidence).toBeCloseTo(0.05);
    const beside = aggregateScores(scored({ happy: 0.7, sad: 0.02, puzzled: 0.95 }), mapping, { hasNeutral: false, multiLabel: true });
    expect(beside).toMatchObject({ emotion: 'joy', neutral: false });
    expect(beside.confidence).toBeCloseTo(0.7);
  });

  it('does not make a window of a long text weigh as one showing an emotion', () => {
    const pooled = poolWindows(
      [
        { scores: scored({ happy: 0.05, sad: 0.05, puzzled: 0.9 }), words: 10 },
        { scores: scored({ happy: 0.6, sad: 0.4, puzzled: 0 }), words: 10 },
      ],
      mapping,
    );
    // Weights 0.05 (its strongest emotion) and 0.6; weighed by "puzzled" the first would count 0.9.
    const happy = pooled.find(({ label }) => label === 'happy')!.score;
    expect(happy).toBeCloseTo((0.05 * 0.05 + 0.6 * 0.6) / 0.65);
  });
});
