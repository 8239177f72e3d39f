import { afterEach, describe, expect, it, vi } from 'vitest';
import { writePositionLimitedClassifier, type PositionLimits } from '../../../scripts/fixtures/position-table.js';
import { loadEmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

/** transformers (Python)'s VERY_LARGE_INTEGER: what a fine-tune of a base model with no known limit saves. */
const NO_LIMIT_STATED = 1e30;

/** A copy of the shipped model whose graph reads `limits.table` positions, as a hub export of BERT or RoBERTa does. */
function positionLimitedModel(name: string, limits: PositionLimits): string {
  return writePositionLimitedClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}position-limit-${name}`, limits);
}

async function emotionOf(dir: string, text: string): Promise<string> {
  const model = await loadEmotionModel({ model: dir });
  try {
    return (await model.classify([text]))[0]!.emotion;
  } finally {
    await model.dispose();
  }
}

const LONG = `${'we should meet at the station around five and then walk over to the venue together. '.repeat(46)}i am so sad`;

/** 1,210 characters of Chinese: no spaces, so one "word" to the windows; BERT's tokenizer reads each character as a token. */
const CHINESE = '我今天真的很难过，因为我最好的朋友要搬走了。'.repeat(55);

describe('a hub-style model whose tokenizer states no usable model_max_length', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('a BERT with 512 positions and no model_max_length reads a 1,210-character Chinese message (one run of characters) as far as it can, rather than crashing in ONNX Runtime', async () => {
    expect(await emotionOf(positionLimitedModel('512-unstated', { table: 512, stated: 512, modelMaxLength: undefined }), CHINESE)).toBeDefined();
  });

  it('control: the same BERT with model_max_length 512 stated reads it', async () => {
    expect(await emotionOf(positionLimitedModel('512-stated', { table: 512, stated: 512, modelMaxLength: 512 }), CHINESE)).toBeDefined();
  });

  it('control: the same graph with 128 positions and model_max_length 128 reads a 4,000-character message', async () => {
    expect(await emotionOf(positionLimitedModel('128-stated', { table: 128, stated: 128, modelMaxLength: 128 }), LONG)).toBeDefined();
  });

  it('a model_max_length of 1e30 reads a 4,000-character message within its config.json max_position_embeddings (128), rather than crashing in ONNX Runtime', async () => {
    expect(LONG.length).toBeLessThanOrEqual(4_000);
    expect(await emotionOf(positionLimitedModel('128-unstated', { table: 128, stated: 128, modelMaxLength: NO_LIMIT_STATED }), LONG)).toBeDefined();
  });

  it('a RoBERTa, whose positions start at 2, reads two tokens fewer than its max_position_embeddings (130 rows read 128 tokens)', async () => {
    // Its graph fails past 128 tokens, as a RoBERTa with 514 positions fails past 512.
    const roberta = positionLimitedModel('roberta-130', { table: 128, stated: 130, modelMaxLength: undefined, modelType: 'roberta' });
    expect(await emotionOf(roberta, CHINESE)).toBeDefined();
  });

  it('a graph that reads fewer positions than its config.json states fails with CLASSIFIER_FAILED for the operator, writing none of the text to stderr', async () => {
    const consoleLines: unknown[][] = [];
    for (const method of ['error', 'warn', 'log'] as const) vi.spyOn(console, method).mockImplementation((...args) => void consoleLines.push(args));
    const lying = positionLimitedModel('128-states-512', { table: 128, stated: 512, modelMaxLength: undefined });
    const failure = await emotionOf(lying, CHINESE).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FeelbotError);
    expect(failure).toMatchObject({ code: ErrorCodes.ClassifierFailed, userFacing: true, permanent: true });
    expect((failure as Error).message).toContain(lying);
    expect((failure as Error).message).toContain('model_max_length');
    expect((failure as Error).message).not.toContain('我');
    // transformers.js logs a failed run's inputs (the text's token ids) through console.error.
    expect(consoleLines).toEqual([]);
  });
});
