import { describe, expect, it } from 'vitest';
import { aggregateScores, type LabelScore } from '../../src/domain/aggregate-scores.js';
import { emotionLabel } from '../../src/domain/emotions.js';
import { KNOWN_LABEL_MAPPINGS, resolveLabelMapping } from '../../src/domain/label-mapping.js';
import type { EmotionAnalysis } from '../../src/domain/emotion-analysis.js';
import { analysisCard } from '../../src/jobs/analysis-card.js';
import { personas } from '../factories.js';

const scored = (scores: Record<string, number>): LabelScore[] => Object.entries(scores).map(([label, score]) => ({ label, score }));

/** The card's title for `analysis`, its own emotion's persona speaking. */
function titleOf(analysis: EmotionAnalysis): string {
  const detected = personas[analysis.emotion];
  return analysisCard(analysis, { detected, speaker: detected, iconUrl: undefined }, '').title!;
}

describe("the /feel card's neutral note", () => {
  it('for a single-label (softmax) model with a neutral class, gives the share of the text that carries no strong emotion', () => {
    const mapping = resolveLabelMapping(['sadness', 'joy', 'love', 'anger', 'fear', 'surprise', 'neutral']).mapping!;
    const analysis = aggregateScores(scored({ sadness: 0.01, joy: 0.02, love: 0.01, anger: 0.01, fear: 0.01, surprise: 0.04, neutral: 0.9 }), mapping, { hasNeutral: true });
    expect(analysis.neutral).toBe(true);
    expect(titleOf(analysis)).toBe(`${personas.surprise.emoji} Core emotion: Surprise (mostly neutral: 90% no strong emotion)`);
  });

  it('for a multi-label (sigmoid) model gives no share: its scores are no distribution, so "N% no strong emotion" would be made up', () => {
    // A GoEmotions model on a plain question: no label fires (8% annoyance, 4% neutral, 0.2% the rest).
    const mapping = KNOWN_LABEL_MAPPINGS.goemotions28!;
    const sigmoids = Object.keys(mapping).map((label) => ({ label, score: ({ annoyance: 0.08, neutral: 0.04 } as Record<string, number>)[label] ?? 0.002 }));
    const analysis = aggregateScores(sigmoids, mapping, { hasNeutral: true, multiLabel: true });
    expect(analysis.neutral).toBe(true);
    expect(titleOf(analysis)).toBe(`${personas[analysis.emotion].emoji} Core emotion: ${emotionLabel(analysis.emotion)} (mostly neutral: no emotion stands out)`);
  });

  it("for a multi-label model whose neutral label outscores an emotion that fires, gives no share either", () => {
    const mapping = KNOWN_LABEL_MAPPINGS.goemotions28!;
    const sigmoids = Object.keys(mapping).map((label) => ({ label, score: ({ joy: 0.7, neutral: 0.8 } as Record<string, number>)[label] ?? 0.01 }));
    const analysis = aggregateScores(sigmoids, mapping, { hasNeutral: true, multiLabel: true });
    expect(analysis).toMatchObject({ emotion: 'joy', neutral: true });
    expect(titleOf(analysis)).toBe(`${personas.joy.emoji} Core emotion: Joy (mostly neutral: no emotion stands out)`);
  });
});
