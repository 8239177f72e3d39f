import { describe, expect, it } from 'vitest';
import { aggregateScores } from '../../src/domain/aggregate-scores.js';
import { CUSTOM_LABEL_MAPPING, guessesLabelOrder, IGNORED_LABEL, KNOWN_LABEL_MAPPINGS, resolveLabelMapping } from '../../src/domain/label-mapping.js';

describe('resolveLabelMapping', () => {
  it('maps a 7-label Ekman model, disgust onto anger', () => {
    const { mapping } = resolveLabelMapping(['anger', 'disgust', 'fear', 'joy', 'neutral', 'sadness', 'surprise']);
    expect(mapping?.disgust).toBe('anger');
    expect(mapping?.neutral).toBe('neutral');
  });

  it('maps all 28 GoEmotions labels', () => {
    const labels = ['admiration', 'amusement', 'anger', 'annoyance', 'approval', 'caring', 'confusion', 'curiosity', 'desire',
      'disappointment', 'disapproval', 'disgust', 'embarrassment', 'excitement', 'fear', 'gratitude', 'grief', 'joy', 'love',
      'nervousness', 'optimism', 'pride', 'realization', 'relief', 'remorse', 'sadness', 'surprise', 'neutral'];
    const { mapping, unmapped } = resolveLabelMapping(labels);
    expect(unmapped).toEqual([]);
    expect(mapping?.caring).toBe('love');
    expect(mapping?.nervousness).toBe('fear');
  });

  it('is case-insensitive (SADNESS, Joy)', () => {
    expect(resolveLabelMapping(['SADNESS', 'Joy', 'LOVE', 'anger', 'fear', 'surprise']).mapping?.SADNESS).toBe('sadness');
  });

  it('names the labels it cannot map', () => {
    const result = resolveLabelMapping(['joy', 'sadness', 'boredom', 'hunger']);
    expect(result.mapping).toBeUndefined();
    expect(result.unmapped).toEqual(['boredom', 'hunger']);
  });

  it("maps dair-ai's generic LABEL_0…LABEL_5 only when a model has exactly those six", () => {
    const six = ['LABEL_0', 'LABEL_1', 'LABEL_2', 'LABEL_3', 'LABEL_4', 'LABEL_5'];
    expect(resolveLabelMapping(six).mapping?.LABEL_2).toBe('love');
    // A 3-class sentiment model (negative, neutral, positive) must not pass as sadness, joy, love.
    const sentiment = resolveLabelMapping(['LABEL_0', 'LABEL_1', 'LABEL_2']);
    expect(sentiment.mapping).toBeUndefined();
    expect(sentiment.unmapped).toEqual(['LABEL_0', 'LABEL_1', 'LABEL_2']);
    // An operator who knows what their generic labels mean may still map them.
    expect(resolveLabelMapping(['LABEL_0', 'LABEL_1'], { LABEL_0: 'neutral', LABEL_1: 'joy' }).mapping?.LABEL_1).toBe('joy');
  });

  it('names the mapping it chose, so a guess can be told from a match', () => {
    expect(resolveLabelMapping(['sadness', 'joy', 'love', 'anger', 'fear', 'surprise', 'neutral']).name).toBe('feelbot');
    expect(resolveLabelMapping(['anger', 'disgust', 'fear', 'joy', 'neutral', 'sadness', 'surprise']).name).toBe('ekman7');
    expect(resolveLabelMapping(['LABEL_0', 'LABEL_1', 'LABEL_2', 'LABEL_3', 'LABEL_4', 'LABEL_5']).name).toBe('generic6');
    expect(resolveLabelMapping(['LABEL_0', 'LABEL_1'], { LABEL_0: 'neutral', LABEL_1: 'joy' }).name).toBe(CUSTOM_LABEL_MAPPING);
    expect(Object.keys(KNOWN_LABEL_MAPPINGS)).toContain(resolveLabelMapping(['happy', 'sad', 'angry', 'others']).name);
    expect(resolveLabelMapping(['joy', 'boredom']).name).toBeUndefined();
  });

  it("only a mapping of generic names (LABEL_0…) guesses the labels' order; named labels and an operator's map do not", () => {
    expect(guessesLabelOrder('generic6')).toBe(true);
    const named = resolveLabelMapping(['happy', 'sad', 'angry', 'others']).name!;
    for (const name of ['feelbot', 'ekman7', 'goemotions28', named, CUSTOM_LABEL_MAPPING]) expect(guessesLabelOrder(name), name).toBe(false);
  });

  it("maps DailyDialog's seven: \"no emotion\" is neutral, happiness is joy, disgust lands where Ekman's seven put it", () => {
    const { mapping, unmapped } = resolveLabelMapping(['no emotion', 'anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise']);
    expect(unmapped).toEqual([]);
    expect(mapping?.['no emotion']).toBe('neutral');
    expect(mapping?.happiness).toBe('joy');
    expect(mapping?.disgust).toBe(KNOWN_LABEL_MAPPINGS.ekman7!.disgust);
  });

  it("maps EmoEvent's tweet set: Ekman's six plus \"others\" as neutral", () => {
    const { mapping, unmapped } = resolveLabelMapping(['others', 'joy', 'sadness', 'anger', 'surprise', 'disgust', 'fear']);
    expect(unmapped).toEqual([]);
    expect(mapping?.others).toBe('neutral');
    expect(mapping?.disgust).toBe('anger');
  });

  it('maps SemEval-2019 EmoContext (happy, sad, angry, others), though it has no label for fear, love or surprise', () => {
    const { mapping, unmapped } = resolveLabelMapping(['happy', 'sad', 'angry', 'others']);
    expect(unmapped).toEqual([]);
    expect(mapping).toEqual({ happy: 'joy', sad: 'sadness', angry: 'anger', others: 'neutral' });
  });

  it('reads each label by itself, whatever its case or separator: "no_emotion", "No Emotion", "Disgusted", "AFRAID"', () => {
    const { mapping, unmapped } = resolveLabelMapping(['No Emotion', 'Happy', 'Disgusted', 'AFRAID', 'scared', 'Surprised', 'love']);
    expect(unmapped).toEqual([]);
    expect(mapping).toEqual({
      'No Emotion': 'neutral', Happy: 'joy', Disgusted: 'anger', AFRAID: 'fear', scared: 'fear', Surprised: 'surprise', love: 'love',
    });
    for (const spelling of ['no_emotion', 'no-emotion', 'NO  EMOTION', 'none', 'other']) {
      expect(resolveLabelMapping([spelling, 'joyful']).mapping?.[spelling], spelling).toBe('neutral');
    }
  });

  it('names only the labels no spelling covers, one by one', () => {
    const result = resolveLabelMapping(['happy', 'sad', 'boredom', 'others']);
    expect(result.mapping).toBeUndefined();
    expect(result.unmapped).toEqual(['boredom']);
  });

  it("an operator's map overrides the spellings feelbot knows, and they still read the labels it leaves out", () => {
    expect(resolveLabelMapping(['happy', 'others'], { happy: 'love', others: 'surprise' }).mapping).toEqual({ happy: 'love', others: 'surprise' });
    // The map used to replace the known spellings, so "others" was left unmapped.
    expect(resolveLabelMapping(['happy', 'others'], { happy: 'love' })).toEqual({
      mapping: { happy: 'love', others: 'neutral' }, name: CUSTOM_LABEL_MAPPING, unmapped: [],
    });
  });

  it('a map of only the labels the unmapped-labels error named covers the model, its own labels read as before', () => {
    const labels = ['joy', 'sadness', 'boredom', 'hunger', 'fear', 'anger', 'love'];
    expect(resolveLabelMapping(labels).unmapped).toEqual(['boredom', 'hunger']);
    const { mapping, unmapped } = resolveLabelMapping(labels, { Boredom: 'neutral', HUNGER: 'neutral' });
    expect(unmapped).toEqual([]);
    expect(mapping).toEqual({ joy: 'joy', sadness: 'sadness', boredom: 'neutral', hunger: 'neutral', fear: 'fear', anger: 'anger', love: 'love' });
  });

  it("with an operator's map that misses some, names exactly the labels neither it nor a known spelling covers", () => {
    const result = resolveLabelMapping(['joy', 'sadness', 'boredom', 'hunger', 'calm'], { boredom: 'neutral' });
    expect(result.mapping).toBeUndefined();
    expect(result.unmapped).toEqual(['hunger', 'calm']);
  });

  it("an operator's map may ignore a label (null), and that covers it", () => {
    const { mapping, unmapped, name } = resolveLabelMapping(['joy', 'sadness', 'hunger'], { hunger: null });
    expect(unmapped).toEqual([]);
    expect(name).toBe(CUSTOM_LABEL_MAPPING);
    expect(mapping).toEqual({ joy: 'joy', sadness: 'sadness', hunger: IGNORED_LABEL });
  });

  it("an operator's map of some generic labels (LABEL_0…) leaves the rest unmapped, not guessed in dair-ai's order", () => {
    const six = ['LABEL_0', 'LABEL_1', 'LABEL_2', 'LABEL_3', 'LABEL_4', 'LABEL_5'];
    const result = resolveLabelMapping(six, { LABEL_0: 'joy', LABEL_1: 'sadness' });
    expect(result.mapping).toBeUndefined();
    expect(result.unmapped).toEqual(['LABEL_2', 'LABEL_3', 'LABEL_4', 'LABEL_5']);
  });

  it("a model none of whose labels the operator's map names keeps the known mapping's name", () => {
    const { mapping, name } = resolveLabelMapping(['anger', 'disgust', 'fear', 'joy', 'neutral', 'sadness', 'surprise'], { hunger: 'neutral' });
    expect(name).toBe('ekman7');
    expect(mapping?.disgust).toBe('anger');
  });

  it('maps nothing for a model that states no labels', () => {
    expect(resolveLabelMapping([])).toEqual({ unmapped: [] });
  });
});

describe('aggregateScores', () => {
  const mapping = { anger: 'anger', disgust: 'anger', joy: 'joy', neutral: 'neutral' } as const;

  it('sums mapped mass per emotion and renormalises the six scores', () => {
    const analysis = aggregateScores(
      [
        { label: 'anger', score: 0.3 },
        { label: 'disgust', score: 0.3 },
        { label: 'joy', score: 0.2 },
        { label: 'neutral', score: 0.2 },
      ],
      mapping,
      { hasNeutral: true },
    );
    expect(analysis.emotion).toBe('anger');
    expect(analysis.confidence).toBeCloseTo(0.6);
    expect(analysis.scores.anger).toBeCloseTo(0.75);
    expect(Object.values(analysis.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(analysis.neutral).toBe(false);
  });

  it('calls a text neutral when neutral outweighs the top emotion', () => {
    const analysis = aggregateScores(
      [
        { label: 'joy', score: 0.3 },
        { label: 'neutral', score: 0.7 },
      ],
      mapping,
      { hasNeutral: true },
    );
    expect(analysis.neutral).toBe(true);
  });

  it('without a neutral class, low confidence means neutral', () => {
    const flat = [{ label: 'joy', score: 0.3 }, { label: 'anger', score: 0.7 }];
    expect(aggregateScores(flat, mapping, { hasNeutral: false, neutralThreshold: 0.8 }).neutral).toBe(true);
    expect(aggregateScores(flat, mapping, { hasNeutral: false, neutralThreshold: 0.5 }).neutral).toBe(false);
  });

  it('for a model with no label for some emotions (EmoContext), those score 0 and the others still decide', () => {
    const emocontext = resolveLabelMapping(['happy', 'sad', 'angry', 'others']).mapping!;
    const scored = (happy: number, sad: number, angry: number, others: number) =>
      aggregateScores(
        [{ label: 'happy', score: happy }, { label: 'sad', score: sad }, { label: 'angry', score: angry }, { label: 'others', score: others }],
        emocontext,
        { hasNeutral: true },
      );
    const happy = scored(0.6, 0.1, 0.1, 0.2);
    expect(happy).toMatchObject({ emotion: 'joy', neutral: false });
    expect(happy.confidence).toBeCloseTo(0.6);
    expect(happy.scores.joy).toBeCloseTo(0.75);
    expect([happy.scores.love, happy.scores.fear, happy.scores.surprise]).toEqual([0, 0, 0]);
    expect(Object.values(happy.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(scored(0.2, 0.1, 0.1, 0.6).neutral).toBe(true);
  });

  it('for a multi-label model, takes each emotion\'s strongest label, not the sum of its many sigmoids', () => {
    // GoEmotions maps nine labels onto joy and two onto fear; summed sigmoids would make this joy.
    const goemotions = KNOWN_LABEL_MAPPINGS.goemotions28!;
    const labelScores = Object.keys(goemotions).map((label) => ({
      label,
      score: label === 'fear' ? 0.6 : label === 'neutral' ? 0.2 : 0.08,
    }));
    const analysis = aggregateScores(labelScores, goemotions, { hasNeutral: true, multiLabel: true });
    expect(analysis.emotion).toBe('fear');
    // Confidence is fear's own sigmoid; the six scores are fear 0.6 and five emotions at 0.08 each, rescaled.
    expect(analysis.confidence).toBeCloseTo(0.6);
    expect(analysis.scores.fear).toBeCloseTo(0.6 / 1);
    expect(analysis.scores.joy).toBeCloseTo(0.08 / 1);
    expect(Object.values(analysis.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(analysis.neutral).toBe(false);
  });

  describe('without a neutral class, how unsure counts as neutral follows how many emotions the labels map onto', () => {
    const scored = (scores: Record<string, number>) => Object.entries(scores).map(([label, score]) => ({ label, score }));

    it('a two-emotion model (happy, sad) is unsure at 0.55/0.45, though its top emotion never scores under 0.5, and sure at 0.9/0.1', () => {
      const mapping = resolveLabelMapping(['happy', 'sad']).mapping!;
      expect(aggregateScores(scored({ happy: 0.55, sad: 0.45 }), mapping, { hasNeutral: false })).toMatchObject({ emotion: 'joy', neutral: true });
      expect(aggregateScores(scored({ happy: 0.1, sad: 0.9 }), mapping, { hasNeutral: false })).toMatchObject({ emotion: 'sadness', neutral: false });
    });

    it('a three-emotion model (happy, sad, angry) is unsure at 0.5/0.3/0.2 and sure at 0.7/0.2/0.1', () => {
      const mapping = resolveLabelMapping(['happy', 'sad', 'angry']).mapping!;
      expect(aggregateScores(scored({ happy: 0.2, sad: 0.3, angry: 0.5 }), mapping, { hasNeutral: false })).toMatchObject({ emotion: 'anger', neutral: true });
      expect(aggregateScores(scored({ happy: 0.7, sad: 0.2, angry: 0.1 }), mapping, { hasNeutral: false })).toMatchObject({ emotion: 'joy', neutral: false });
    });

    it('counts the emotions the labels map onto, not the labels: four labels on two emotions are a two-emotion model', () => {
      const mapping = { happy: 'joy', glad: 'joy', sad: 'sadness', down: 'sadness' } as const;
      const analysis = aggregateScores(scored({ happy: 0.3, glad: 0.25, sad: 0.25, down: 0.2 }), mapping, { hasNeutral: false });
      expect(analysis.confidence).toBeCloseTo(0.55);
      expect(analysis.neutral).toBe(true);
    });

    it("a six-emotion model (dair-ai's labels) still calls a top emotion under 0.45 neutral and one over it not", () => {
      const mapping = resolveLabelMapping(['sadness', 'joy', 'love', 'anger', 'fear', 'surprise']).mapping!;
      const withTopJoy = (joy: number) => scored({ joy, sadness: (1 - joy) / 5, love: (1 - joy) / 5, anger: (1 - joy) / 5, fear: (1 - joy) / 5, surprise: (1 - joy) / 5 });
      expect(aggregateScores(withTopJoy(0.44), mapping, { hasNeutral: false })).toMatchObject({ emotion: 'joy', neutral: true });
      expect(aggregateScores(withTopJoy(0.46), mapping, { hasNeutral: false })).toMatchObject({ emotion: 'joy', neutral: false });
    });

    it('a multi-label two-emotion model reads each sigmoid by itself: a label that fires is sure, one that does not is neutral, whatever the other scores', () => {
      const mapping = resolveLabelMapping(['happy', 'sad']).mapping!;
      const both = aggregateScores(scored({ happy: 0.6, sad: 0.5 }), mapping, { hasNeutral: false, multiLabel: true });
      expect(both).toMatchObject({ emotion: 'joy', neutral: false });
      expect(both.confidence).toBeCloseTo(0.6);
      expect(aggregateScores(scored({ happy: 0.9, sad: 0.2 }), mapping, { hasNeutral: false, multiLabel: true }).neutral).toBe(false);
      expect(aggregateScores(scored({ happy: 0.45, sad: 0.05 }), mapping, { hasNeutral: false, multiLabel: true }).neutral).toBe(true);
    });

    it('an explicit neutralThreshold is used as given, whatever the number of emotions', () => {
      const two = resolveLabelMapping(['happy', 'sad']).mapping!;
      expect(aggregateScores(scored({ happy: 0.55, sad: 0.45 }), two, { hasNeutral: false, neutralThreshold: 0.45 }).neutral).toBe(false);
      expect(aggregateScores(scored({ happy: 0.7, sad: 0.3 }), two, { hasNeutral: false, neutralThreshold: 0.75 }).neutral).toBe(true);
      const six = resolveLabelMapping(['sadness', 'joy', 'love', 'anger', 'fear', 'surprise']).mapping!;
      const topJoy = scored({ joy: 0.5, sadness: 0.1, love: 0.1, anger: 0.1, fear: 0.1, surprise: 0.1 });
      expect(aggregateScores(topJoy, six, { hasNeutral: false, neutralThreshold: 0.55 }).neutral).toBe(true);
    });
  });
});
