import { describe, expect, it } from 'vitest';
import { aggregateScores, type LabelScore } from '../../src/domain/aggregate-scores.js';
import { EMOTIONS } from '../../src/domain/emotions.js';
import { AUTO_MODE_MIN_CONFIDENCE } from '../../src/domain/guild-settings.js';
import { KNOWN_LABEL_MAPPINGS, resolveLabelMapping } from '../../src/domain/label-mapping.js';
import { MULTI_LABEL_NEUTRAL_THRESHOLD } from '../../src/domain/neutral-threshold.js';

/** One independent sigmoid per label, as transformers.js scores a `multi_label_classification` model. */
const scored = (scores: Record<string, number>): LabelScore[] => Object.entries(scores).map(([label, score]) => ({ label, score }));

describe('aggregateScores for a multi-label (sigmoid) GoEmotions model', () => {
  const mapping = KNOWN_LABEL_MAPPINGS.goemotions28!;
  /** Every GoEmotions label at `rest`, except those named in `over`. */
  const sigmoids = (over: Record<string, number>, rest: number) => Object.keys(mapping).map((label) => ({ label, score: over[label] ?? rest }));
  const options = { hasNeutral: true, multiLabel: true };

  it('a text on which no label fires (8% annoyance, 4% neutral, 0.2% the rest) is not a confident anger that auto mode answers', () => {
    const result = aggregateScores(sigmoids({ annoyance: 0.08, neutral: 0.04 }, 0.002), mapping, options);
    // Before the fix: anger, confidence 0.615 (>= AUTO_MODE_MIN_CONFIDENCE 0.6), neutral false.
    expect(result.neutral || result.confidence < AUTO_MODE_MIN_CONFIDENCE).toBe(true);
    expect(result.confidence).toBeLessThan(0.2);
  });

  it('a text where every label is equally unlikely (1% each) is neutral, not sadness', () => {
    const result = aggregateScores(sigmoids({}, 0.01), mapping, options);
    expect(result.neutral).toBe(true);
    expect(result.confidence).toBeCloseTo(0.01);
  });

  it("reports the top emotion's own sigmoid as its confidence, not its share of the seven outcomes", () => {
    const result = aggregateScores(sigmoids({ nervousness: 0.92, neutral: 0.3 }, 0.05), mapping, options);
    expect(result).toMatchObject({ emotion: 'fear', neutral: false });
    expect(result.confidence).toBeCloseTo(0.92);
  });

  it('calls a text neutral when no emotion reaches MULTI_LABEL_NEUTRAL_THRESHOLD (0.5), however far ahead the top one is', () => {
    expect(MULTI_LABEL_NEUTRAL_THRESHOLD).toBe(0.5);
    expect(aggregateScores(sigmoids({ fear: 0.49 }, 0.001), mapping, options)).toMatchObject({ emotion: 'fear', neutral: true });
    expect(aggregateScores(sigmoids({ fear: 0.5 }, 0.001), mapping, options)).toMatchObject({ emotion: 'fear', neutral: false });
  });

  it("calls a text neutral when neutral's own sigmoid is at least the top emotion's, even one that fires", () => {
    expect(aggregateScores(sigmoids({ joy: 0.7, neutral: 0.8 }, 0.01), mapping, options).neutral).toBe(true);
    expect(aggregateScores(sigmoids({ joy: 0.7, neutral: 0.7 }, 0.01), mapping, options).neutral).toBe(true);
    expect(aggregateScores(sigmoids({ joy: 0.7, neutral: 0.69 }, 0.01), mapping, options).neutral).toBe(false);
  });

  it("shows the six emotions' strongest labels rescaled to sum to 1, for display", () => {
    const result = aggregateScores(sigmoids({ fear: 0.6, neutral: 0.2 }, 0.08), mapping, options);
    expect(result.scores.fear).toBeCloseTo(0.6 / (0.6 + 5 * 0.08));
    expect(result.scores.joy).toBeCloseTo(0.08 / (0.6 + 5 * 0.08));
    expect(Object.values(result.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
  });
});

describe('aggregateScores for a multi-label model without a neutral class', () => {
  const mapping = resolveLabelMapping(['happy', 'sad']).mapping!;
  const options = { hasNeutral: false, multiLabel: true };

  it('a text where neither label fires is neutral, though one is three times the other', () => {
    // Rescaled over the two, happy would have been 0.75, above the two-emotion threshold of 0.67.
    const result = aggregateScores(scored({ happy: 0.3, sad: 0.1 }), mapping, options);
    expect(result).toMatchObject({ emotion: 'joy', neutral: true });
    expect(result.confidence).toBeCloseTo(0.3);
  });

  it('a label that fires is a confident emotion at its own sigmoid', () => {
    const result = aggregateScores(scored({ happy: 0.9, sad: 0.2 }), mapping, options);
    expect(result).toMatchObject({ emotion: 'joy', neutral: false });
    expect(result.confidence).toBeCloseTo(0.9);
  });

  it('an explicit neutralThreshold replaces 0.5 as the score an emotion must reach', () => {
    expect(aggregateScores(scored({ happy: 0.6, sad: 0.1 }), mapping, { ...options, neutralThreshold: 0.7 }).neutral).toBe(true);
    expect(aggregateScores(scored({ happy: 0.3, sad: 0.1 }), mapping, { ...options, neutralThreshold: 0.25 }).neutral).toBe(false);
  });
});

describe('aggregateScores for a single-label (softmax) model is unchanged', () => {
  const mapping = KNOWN_LABEL_MAPPINGS.goemotions28!;

  it("sums a softmax's labels per emotion, and confidence is the top emotion's share of all mass", () => {
    const labelScores = Object.keys(mapping).map((label) => ({ label, score: label === 'annoyance' ? 0.3 : label === 'neutral' ? 0.2 : 0.5 / 26 }));
    const result = aggregateScores(labelScores, mapping, { hasNeutral: true });
    const anger = 0.3 + 3 * (0.5 / 26);
    // Nine labels map onto joy; desire and confusion are ignored, so the six emotions hold 0.8 less theirs.
    const joy = 9 * (0.5 / 26);
    expect(result.emotion).toBe('anger');
    expect(result.confidence).toBeCloseTo(anger);
    expect(result.scores.joy).toBeCloseTo(joy / (0.8 - 2 * (0.5 / 26)));
    expect(result.neutral).toBe(false);
    expect(Object.keys(result.scores).sort()).toEqual([...EMOTIONS].sort());
  });
});
