import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersClassifier } from '../../../src/adapters/transformers/transformers-classifier.js';
import { EMOTIONS } from '../../../src/domain/emotions.js';
import { AUTO_MODE_MIN_CONFIDENCE } from '../../../src/domain/guild-settings.js';
import { characterCount, MAX_MESSAGE_CHARS } from '../../../src/domain/message-limits.js';
import { normalizeChatText } from '../../../src/domain/normalize-chat-text.js';
import { MAX_WINDOWS, wordsPerWindow } from '../../../src/domain/split-for-classifier.js';
import { parseMessageJob } from '../../../src/jobs/message-job.js';
import { shouldStayQuiet } from '../../../src/jobs/stay-quiet.js';
import { buildMessageJob, buildSettings } from '../../factories.js';
import { SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

/** The shipped model reads 128 tokens (its tokenizer's model_max_length): 84 words a window. */
const WINDOW_WORDS = wordsPerWindow(128);
/** 93 words once normalised, each sentence of it grief: any cut of it is clearly sad. */
const GRIEF =
  'my grandmother passed away last night and i cannot stop crying, i miss her so much and the house feels empty without her voice, she was the one who raised me and taught me everything i know about kindness and patience and now i have to plan the funeral with my family while everyone is falling apart around me and nobody knows what to say to each other anymore because the grief is just too heavy for all of us to carry right now honestly i do not know how we will ever';
const TAIL = ' my best friend died today and i cannot stop crying, i feel so alone and heartbroken';
/** 1,300 "ok?": 3,900 characters, which the normaliser reads as 2,600 words ("ok", "?"). */
const QUESTIONS = 'ok?'.repeat(1_300);

/** The first `words` words of GRIEF (normalised) followed by `ending`. */
function griefEndingWith(ending: string, words: number): string {
  const grief = normalizeChatText(GRIEF).split(' ');
  const wanted = words - ending.split(' ').length;
  expect(wanted).toBeLessThanOrEqual(grief.length);
  return `${grief.slice(0, wanted).join(' ')} ${ending}`;
}

describe('a long message read in windows by the shipped model', () => {
  let classifier: TransformersClassifier;
  beforeAll(async () => {
    classifier = await TransformersClassifier.load({ model: SHIPPED_EMOTION_MODEL });
  });
  afterAll(async () => {
    await classifier?.dispose();
  });

  it('a grieving message a few words longer than one window still reads as clearly sad, and an auto channel answers it', async () => {
    const auto = buildSettings({ defaultMode: 'auto' });
    const texts: string[] = [];
    // From one word short of a window to six past it: a remainder of 1, 2, 3... words.
    for (let words = WINDOW_WORDS - 1; words <= WINDOW_WORDS + 6; words++) {
      texts.push(griefEndingWith('thanks for listening', words), griefEndingWith('lol', words));
    }
    const results = await classifier.classify(texts);
    results.forEach((result, index) => {
      const text = texts[index]!;
      const label = `${text.split(' ').length} words ending "${text.slice(-20)}"`;
      expect(result.emotion, label).toBe('sadness');
      expect(result.confidence, label).toBeGreaterThanOrEqual(AUTO_MODE_MIN_CONFIDENCE);
      const job = parseMessageJob(buildMessageJob({ content: text, addressed: false }));
      expect(shouldStayQuiet(job, auto, result), label).toBeUndefined();
    });
  });

  it('a message within 4,000 characters but more words than the windows hold is read by its newest words, its sad end included', async () => {
    const message = QUESTIONS + TAIL;
    expect(characterCount(message)).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    const words = normalizeChatText(message).split(' ');
    expect(words.length).toBeGreaterThan(MAX_WINDOWS * WINDOW_WORDS);
    const newest = words.slice(-MAX_WINDOWS * WINDOW_WORDS).join(' ');
    const [questionsOnly, withTail, newestOnly] = await classifier.classify([QUESTIONS, message, newest]);
    expect(withTail!.scores.sadness).toBeGreaterThan(questionsOnly!.scores.sadness);
    expect(withTail!.emotion).toBe(newestOnly!.emotion);
    expect(withTail!.confidence).toBeCloseTo(newestOnly!.confidence, 5);
    for (const emotion of EMOTIONS) expect(withTail!.scores[emotion], emotion).toBeCloseTo(newestOnly!.scores[emotion], 5);
  });
});
