import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { TransformersClassifier } from '../../../src/adapters/transformers/transformers-classifier.js';
import { wordTokenCounter } from '../../../src/adapters/transformers/word-token-counter.js';
import { normalizeChatText } from '../../../src/domain/normalize-chat-text.js';
import { splitIntoWindows, windowLimits, wordsPerWindow } from '../../../src/domain/split-for-classifier.js';
import { SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

/** The shipped model reads 128 tokens (its tokenizer's model_max_length). */
const MODEL_MAX_LENGTH = 128;
/** A React error pasted as plain text (not in a code block), as people do in a help channel: many pieces a word. */
const STACK =
  "TypeError: Cannot read properties of undefined (reading 'map') at ProductList (webpack-internal:///./src/components/ProductList.jsx:23:18) " +
  'at renderWithHooks (webpack-internal:///./node_modules/react-dom/cjs/react-dom.development.js:16305:18) ' +
  'at mountIndeterminateComponent (webpack-internal:///./node_modules/react-dom/cjs/react-dom.development.js:20074:13) ' +
  'at beginWork (webpack-internal:///./node_modules/react-dom/cjs/react-dom.development.js:21587:16) ' +
  'at HTMLUnknownElement.callCallback (webpack-internal:///./node_modules/react-dom/cjs/react-dom.development.js:4164:14)';

describe('a message whose words take more pieces than the shipped model reads at once', () => {
  let classifier: TransformersClassifier;
  let tokenizer: PreTrainedTokenizer;
  beforeAll(async () => {
    classifier = await TransformersClassifier.load({ model: SHIPPED_EMOTION_MODEL });
    env.allowLocalModels = true;
    tokenizer = await AutoTokenizer.from_pretrained(resolve(SHIPPED_EMOTION_MODEL));
  });
  afterAll(async () => {
    await classifier?.dispose();
  });

  it('is read in windows of at most 126 pieces each, the last ending with its last word', () => {
    const text = normalizeChatText(`${STACK} i hate this so much`);
    // Few enough words for one window at 1.5 pieces a word, far more pieces than the model reads.
    expect(text.split(' ').length).toBeLessThanOrEqual(wordsPerWindow(MODEL_MAX_LENGTH));
    expect(tokenizer.encode(text).length).toBeGreaterThan(MODEL_MAX_LENGTH);
    const windows = splitIntoWindows(text, windowLimits(MODEL_MAX_LENGTH), wordTokenCounter(tokenizer));
    expect(windows.length).toBeGreaterThan(1);
    for (const window of windows) expect(tokenizer.encode(window.text).length).toBeLessThanOrEqual(MODEL_MAX_LENGTH);
    expect(windows.at(-1)!.text.endsWith(' i hate this so much')).toBe(true);
    expect(windows.reduce((sum, window) => sum + window.words, 0)).toBeCloseTo(text.split(' ').length);
  });

  it('reads the feeling at its end', async () => {
    const ending = 'i hate this so much';
    const [stackOnly, withEnding, endingOnly] = await classifier.classify([STACK, `${STACK} ${ending}`, ending]);
    expect(endingOnly!.emotion).toBe('anger');
    expect(withEnding!.scores).not.toEqual(stackOnly!.scores);
    expect(withEnding!.scores.anger).toBeGreaterThan(stackOnly!.scores.anger);
  });

  it('reads a fear at its end differently from a joy at its end', async () => {
    const scaredEnding = 'i am terrified my boss will fire me';
    const [stackOnly, happy, scared] = await classifier.classify([STACK, `${STACK} i am so happy it finally works`, `${STACK} ${scaredEnding}`]);
    expect(happy!.emotion).toBe('joy');
    const windows = splitIntoWindows(normalizeChatText(`${STACK} ${scaredEnding}`), windowLimits(MODEL_MAX_LENGTH), wordTokenCounter(tokenizer));
    const [lastWindow] = await classifier.classify([windows.at(-1)!.text]);
    expect(lastWindow!.emotion).toBe('fear');
    // Most of the message is the stack trace, which the shipped model reads as anger or joy, and every
    // word counts alike; but the fear at its end is read, not cut off.
    expect(scared!.scores.fear).toBeGreaterThan(10 * stackOnly!.scores.fear);
    expect(scared!.scores).not.toEqual(happy!.scores);
  });
});
