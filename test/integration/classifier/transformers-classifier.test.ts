import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownLabels, writeRelabelledClassifier, writeRoutedClassifier } from '../../../scripts/fixtures/relabelled-classifier.js';
import { loadEmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import { TransformersClassifier } from '../../../src/adapters/transformers/transformers-classifier.js';
import { EMOTIONS, type Emotion } from '../../../src/domain/emotions.js';
import { AUTO_MODE_MIN_CONFIDENCE } from '../../../src/domain/guild-settings.js';
import { KNOWN_LABEL_MAPPINGS } from '../../../src/domain/label-mapping.js';
import { ErrorCodes, isFeelbotError } from '../../../src/errors.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

/** The shipped model's labels, in its output order. */
const OWN_LABELS = ownLabels(SHIPPED_EMOTION_MODEL);
/** An Ekman-style 7-label set in another order, as a hub model might have it. */
const EKMAN_LABELS = ['anger', 'disgust', 'fear', 'joy', 'neutral', 'sadness', 'surprise'];

async function loadError(options: Parameters<typeof TransformersClassifier.load>[0]): Promise<unknown> {
  return loadEmotionModel(options).then(
    async (classifier) => {
      await classifier.dispose();
      throw new Error('expected the model to be rejected');
    },
    (error: unknown) => error,
  );
}

describe('the shipped classifier through transformers.js', () => {
  let shipped: EmotionClassifier;
  beforeAll(async () => {
    shipped = await loadEmotionModel({ model: SHIPPED_EMOTION_MODEL });
  });
  afterAll(async () => {
    await shipped?.dispose();
  });

  it('scores the six emotions, summing to 1, in input order', async () => {
    const results = await shipped.classify(['i feel so happy and grateful today', 'i feel terrified of what comes next']);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(Object.keys(result.scores).sort()).toEqual([...EMOTIONS].sort());
      expect(Object.values(result.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(result.confidence).toBeGreaterThan(0);
      expect(result.confidence).toBeLessThanOrEqual(1);
    }
    expect(results[0]!.emotion).toBe('joy');
    expect(results[1]!.emotion).toBe('fear');
  });

  it('reads chat-shaped text: capitals, emoji, mentions and URLs', async () => {
    const [result] = await shipped.classify(['<@123> OMG I GOT THE JOB!!! 😀😀 https://example.com/offer']);
    expect(result!.emotion).toBe('joy');
    expect(result!.neutral).toBe(false);
  });

  it('calls plain logistics neutral', async () => {
    const [result] = await shipped.classify(['ok see you at 5']);
    expect(result!.neutral).toBe(true);
  });

  it('an empty text still gets an answer', async () => {
    const [result] = await shipped.classify(['']);
    expect(EMOTIONS).toContain(result!.emotion);
  });

  it('a text with nothing it can read (another script, a bare link, a code block, "....") is no emotion, not confident joy', async () => {
    const unreadable = [
      'Мне сегодня очень грустно',
      '我今天很难过',
      'https://github.com/a/b/pull/12',
      '```\nconst x = 1;\n```',
      '....',
    ];
    const results = await shipped.classify(unreadable);
    for (const [index, result] of results.entries()) {
      expect(result.neutral, unreadable[index]).toBe(true);
      expect(result.confidence, unreadable[index]).toBeLessThan(AUTO_MODE_MIN_CONFIDENCE);
      expect(result.unreadable, unreadable[index]).toBe(true);
    }
    // Read beside them in one batch, a text it can read keeps its own answer.
    const [mixed] = await shipped.classify(['i feel so happy and grateful today', ...unreadable]);
    expect(mixed).toMatchObject({ emotion: 'joy', neutral: false });
    expect(mixed!.unreadable).toBeUndefined();
  });

  it('a 4,000-character message is read to its end: one sad sentence after a wall of logistics reads as sad', async () => {
    const logistics = 'the meeting moved to room four at five and bring the slides please. '.repeat(54);
    const text = `${logistics}i feel so lonely and heartbroken since she left`;
    expect(text.length).toBeLessThanOrEqual(4_000);
    const [result] = await shipped.classify([text]);
    expect(result!.emotion).toBe('sadness');
  });
});

describe('hub models with other label sets', () => {
  it('a 7-label Ekman model plugs in: each output lands on its mapped emotion', async () => {
    const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}ekman-classifier`, EKMAN_LABELS);
    const relabelled = await TransformersClassifier.load({ model: dir });
    try {
      // Same graph, new names: output 3 was "anger" and is now "joy", so anger-shaped text reads as joy.
      const [result] = await relabelled.classify(['i feel so angry and furious at them']);
      const mapping = KNOWN_LABEL_MAPPINGS.ekman7!;
      expect(result!.emotion).toBe(mapping[EKMAN_LABELS[3]!]);
      expect(Object.values(result!.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    } finally {
      await relabelled.dispose();
    }
  });

  /**
   * Common public label sets, spelled as their datasets spell them; each label reads the shipped
   * graph's output of the emotion it means.
   */
  const PUBLIC_LABEL_SETS: ReadonlyArray<{ name: string; labels: Record<string, Emotion | 'neutral'> }> = [
    // DailyDialog's seven: Ekman's six with "happiness", plus "no emotion".
    { name: 'dailydialog', labels: { 'no emotion': 'neutral', anger: 'anger', disgust: 'anger', fear: 'fear', happiness: 'joy', sadness: 'sadness', surprise: 'surprise' } },
    // EmoEvent (pysentimiento's tweet models): Ekman's six plus "others".
    { name: 'emoevent', labels: { others: 'neutral', joy: 'joy', sadness: 'sadness', anger: 'anger', surprise: 'surprise', disgust: 'anger', fear: 'fear' } },
    // SemEval-2019 EmoContext: no label for fear, love or surprise.
    { name: 'emocontext', labels: { others: 'neutral', happy: 'joy', sad: 'sadness', angry: 'anger' } },
  ];
  for (const { name, labels } of PUBLIC_LABEL_SETS) {
    it(`a model labelled ${Object.keys(labels).join(', ')} (${name}) plugs in with no label map, and an emotion it has no label for scores 0`, async () => {
      const names = Object.keys(labels);
      const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}${name}-classifier`, names, {
        outputsFrom: names.map((label) => OWN_LABELS.indexOf(labels[label]!)),
      });
      const classifier = await TransformersClassifier.load({ model: dir });
      try {
        const [angry, logistics] = await classifier.classify(['i feel so angry and furious at them', 'ok see you at 5']);
        expect(angry).toMatchObject({ emotion: 'anger', neutral: false });
        expect(logistics!.neutral).toBe(true);
        const covered = new Set(Object.values(labels));
        for (const emotion of EMOTIONS.filter((candidate) => !covered.has(candidate))) expect(angry!.scores[emotion], emotion).toBe(0);
        expect(Object.values(angry!.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      } finally {
        await classifier.dispose();
      }
    });
  }

  it('a two-label model with no neutral label (happy, sad) calls a toss-up neutral, though its top label never scores under 0.5, unless a neutralThreshold is given', async () => {
    const names = ['happy', 'sad'];
    const clear = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}happy-sad-classifier`, names, {
      outputsFrom: [OWN_LABELS.indexOf('joy'), OWN_LABELS.indexOf('sadness')],
    });
    // Both labels read the joy output, so every text scores 0.5/0.5: a model that cannot tell them apart.
    const tied = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}happy-sad-tied-classifier`, names, {
      outputsFrom: [OWN_LABELS.indexOf('joy'), OWN_LABELS.indexOf('joy')],
    });
    const [clearModel, tiedModel, tiedAtOldThreshold] = await Promise.all([
      TransformersClassifier.load({ model: clear }),
      TransformersClassifier.load({ model: tied }),
      TransformersClassifier.load({ model: tied, neutralThreshold: 0.45 }),
    ]);
    try {
      const texts = ['i feel so happy and grateful today', 'i feel so lonely and heartbroken since she left'];
      const [happy, sad] = await clearModel.classify(texts);
      expect(happy).toMatchObject({ emotion: 'joy', neutral: false });
      expect(sad).toMatchObject({ emotion: 'sadness', neutral: false });
      for (const [index, result] of (await tiedModel.classify(texts)).entries()) {
        expect(result.confidence, texts[index]).toBeCloseTo(0.5, 5);
        expect(result.neutral, texts[index]).toBe(true);
      }
      for (const result of await tiedAtOldThreshold.classify(texts)) expect(result.neutral).toBe(false);
    } finally {
      await Promise.all([clearModel.dispose(), tiedModel.dispose(), tiedAtOldThreshold.dispose()]);
    }
  });

  it('an operator label map covers labels no known mapping does', async () => {
    const labels = ['blue', 'sunny', 'warm', 'stormy', 'shaky', 'startled', 'calm'];
    const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}weather-classifier`, labels);
    const mapping = { blue: 'sadness', sunny: 'joy', warm: 'love', stormy: 'anger', shaky: 'fear', startled: 'surprise', calm: 'neutral' } as const;
    const classifier = await TransformersClassifier.load({ model: dir, labelMapping: mapping });
    try {
      const [result] = await classifier.classify(['i feel terrified of what comes next']);
      expect(result!.emotion).toBe('fear');
    } finally {
      await classifier.dispose();
    }
  });

  it("a model without feelbot's normaliser reads a message without Discord's markup: mentions and timestamps carry no feeling, a custom emoji reads by its name", async () => {
    const labels = ['blue', 'sunny', 'warm', 'stormy', 'shaky', 'startled', 'calm'];
    const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}weather-classifier-markup`, labels);
    const mapping = { blue: 'sadness', sunny: 'joy', warm: 'love', stormy: 'anger', shaky: 'fear', startled: 'surprise', calm: 'neutral' } as const;
    const classifier = await TransformersClassifier.load({ model: dir, labelMapping: mapping });
    try {
      const [marked, plain] = await classifier.classify([
        '<@123456789012345678> i feel terrified of what comes next <#234567890123456789> <t:1700000000:R> <:scared:345678901234567890>',
        'i feel terrified of what comes next :scared:',
      ]);
      expect(marked).toEqual(plain);
    } finally {
      await classifier.dispose();
    }
  });

  it('a multi-label model (sigmoid per label) scores each emotion by its strongest label, however many labels it has', async () => {
    // 28 GoEmotions labels over the shipped graph: each repeats the logit of the emotion it maps to,
    // so joy has nine copies and fear two; per emotion it says exactly what a 7-label copy says. The
    // two ignored ones (desire, confusion) repeat neutral's: read as joy or surprise, they would lift those.
    const goemotions = KNOWN_LABEL_MAPPINGS.goemotions28!;
    const labels = Object.keys(goemotions);
    const multiLabel = { problem_type: 'multi_label_classification' };
    const wide = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}goemotions-multi-label-classifier`, labels, {
      outputsFrom: labels.map((label) => OWN_LABELS.indexOf(goemotions[label] ?? 'neutral')),
      extraConfig: multiLabel,
    });
    const narrow = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}own-multi-label-classifier`, OWN_LABELS, { extraConfig: multiLabel });
    const [goemotionsModel, ownModel] = await Promise.all([TransformersClassifier.load({ model: wide }), TransformersClassifier.load({ model: narrow })]);
    try {
      const texts = ['i am a bit nervous about the exam', 'i feel terrified of what comes next', 'ok see you at 5'];
      const results = await goemotionsModel.classify(texts);
      const expected = await ownModel.classify(texts);
      texts.forEach((text, i) => {
        expect(results[i]!.emotion, text).toBe(expected[i]!.emotion);
        expect(results[i]!.confidence, text).toBeCloseTo(expected[i]!.confidence, 5);
        expect(results[i]!.neutral, text).toBe(expected[i]!.neutral);
        for (const emotion of EMOTIONS) expect(results[i]!.scores[emotion], `${text}: ${emotion}`).toBeCloseTo(expected[i]!.scores[emotion], 5);
      });
      expect(results[0]!.emotion).toBe('fear');
    } finally {
      await Promise.all([goemotionsModel.dispose(), ownModel.dispose()]);
    }
  });

  it('an operator label map that misses labels says to add them to that file', async () => {
    const labels = ['blue', 'sunny', 'warm', 'stormy', 'shaky', 'startled', 'calm'];
    const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}weather-classifier-partial-map`, labels);
    const error = await loadError({ model: dir, labelMapping: { blue: 'sadness', sunny: 'joy', warm: 'love', stormy: 'anger', shaky: 'fear' } });
    expect(isFeelbotError(error, ErrorCodes.ModelLabelsUnmapped)).toBe(true);
    expect((error as Error).message).toContain('startled, calm');
    expect((error as Error).message).toContain('Add them to the EMOTION_LABEL_MAP file');
    expect((error as Error).message).not.toContain('Set EMOTION_LABEL_MAP');
  });

  it('a model whose labels cannot be mapped fails at start-up naming them', async () => {
    const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}odd-classifier`, ['joy', 'sadness', 'boredom', 'hunger', 'fear', 'anger', 'love']);
    const error = await loadError({ model: dir });
    expect(isFeelbotError(error, ErrorCodes.ModelLabelsUnmapped)).toBe(true);
    expect((error as Error).message).toContain('boredom, hunger');
  });

  it("a 7-output model with generic names is not taken for dair-ai's six, and one with no labels says so", async () => {
    const genericLabels = EKMAN_LABELS.map((_, id) => `LABEL_${id}`);
    const generic = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}generic7-classifier`, genericLabels);
    const error = await loadError({ model: generic });
    expect(isFeelbotError(error, ErrorCodes.ModelLabelsUnmapped)).toBe(true);
    expect((error as Error).message).toContain(genericLabels.join(', '));
    const unlabelled = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}unlabelled-classifier`, EKMAN_LABELS, {
      extraConfig: { id2label: undefined, label2id: undefined },
    });
    const none = await loadError({ model: unlabelled });
    expect(isFeelbotError(none, ErrorCodes.ModelLabelsUnmapped)).toBe(true);
    expect((none as Error).message).toContain('no id2label');
  });

  it('a missing folder is MODEL_NOT_FOUND with the path', async () => {
    const error = await loadError({ model: './models/no-such-model' });
    expect(isFeelbotError(error, ErrorCodes.ModelNotFound)).toBe(true);
    expect((error as Error).message).toContain('no-such-model');
  });

  it('a corrupt ONNX file is MODEL_CORRUPT saying how to restore it', async () => {
    const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}corrupt-classifier`, ['sadness', 'joy', 'love', 'anger', 'fear', 'surprise', 'neutral']);
    writeFileSync(`${dir}/onnx/model.onnx`, 'not an onnx graph');
    writeFileSync(`${dir}/onnx/model_quantized.onnx`, 'not an onnx graph');
    const error = await loadError({ model: dir });
    expect(isFeelbotError(error, ErrorCodes.ModelCorrupt)).toBe(true);
    expect((error as Error).message).toMatch(/retrain|restore/);
  });
});

describe('a model folder with a no-feel-word reader', () => {
  /** The reader is the shipped model with sadness/joy, love/anger and fear/surprise swapped. */
  const READER_LABELS = ['joy', 'sadness', 'anger', 'love', 'surprise', 'fear', 'neutral'];
  const SWAPPED: Record<Emotion, Emotion> = { sadness: 'joy', joy: 'sadness', love: 'anger', anger: 'love', fear: 'surprise', surprise: 'fear' };
  let own: TransformersClassifier;
  let routed: EmotionClassifier;
  beforeAll(async () => {
    const dir = writeRoutedClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}routed-classifier`, READER_LABELS);
    own = await TransformersClassifier.load({ model: dir });
    routed = await loadEmotionModel({ model: dir });
  });
  afterAll(async () => {
    await own?.dispose();
    await routed?.dispose();
  });

  it('a text that names its feeling is read by the folder\'s own model, one without by the reader', async () => {
    const texts = ['I feel so terrified of what comes next!', 'when a stranger followed me home from the station at night', 'i felt so happy and grateful today', 'ok see you at 5'];
    // The two runs batch the texts differently, so scores agree to rounding, not bit for bit.
    const alone = await own.classify(texts);
    const results = await routed.classify(texts);
    texts.forEach((text, i) => {
      const readByReader = i % 2 === 1;
      const expected = readByReader ? SWAPPED : (Object.fromEntries(EMOTIONS.map((e) => [e, e])) as Record<Emotion, Emotion>);
      for (const emotion of EMOTIONS) expect(results[i]!.scores[expected[emotion]], text).toBeCloseTo(alone[i]!.scores[emotion], 6);
      expect(results[i]!.emotion, text).toBe(expected[alone[i]!.emotion]);
      expect(results[i]!.neutral, text).toBe(alone[i]!.neutral);
    });
  });

  it('a long text is routed by all the words its reader reads: a feel-word at its very end sends it to the folder\'s own model', async () => {
    const logistics = 'the meeting moved to room four at five and bring the slides please. '.repeat(61);
    const text = `${logistics}i feel so lonely and heartbroken since she left`;
    expect(text.length).toBeGreaterThan(4_000);
    expect(text.slice(0, 4_000)).not.toMatch(/feel/);
    const [alone] = await own.classify([text]);
    const [result] = await routed.classify([text]);
    expect(result!.emotion).toBe(alone!.emotion);
    for (const emotion of EMOTIONS) expect(result!.scores[emotion]).toBeCloseTo(alone!.scores[emotion], 6);
  });

  it('a folder naming a reader that is not there is MODEL_CORRUPT naming the path', async () => {
    const dir = writeRoutedClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}routed-without-reader`, READER_LABELS);
    rmSync(`${dir}/reader`, { recursive: true });
    const error = await loadError({ model: dir });
    expect(isFeelbotError(error, ErrorCodes.ModelCorrupt)).toBe(true);
    expect((error as Error).message).toContain('routed-without-reader/reader');
  });
});
