import { describe, expect, it } from 'vitest';
import { writePositionLimitedClassifier } from '../../scripts/fixtures/position-table.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../support/fixtures.js';
import { runFeelbot } from '../support/run-feelbot.js';

/** Loading the model and reading one text, from the TypeScript sources. */
const WITHIN_MS = 60_000;
/** 1,210 characters of Chinese with no spaces: one "word" of 1,210 tokens to BERT's tokenizer. */
const CHINESE = '我今天真的很难过，因为我最好的朋友要搬走了。'.repeat(55);

describe('feelbot analyze with a hub-style BERT of 512 positions whose tokenizer states no model_max_length', () => {
  it('prints the analysis of a 1,210-character Chinese message, read as far as the model can', async () => {
    const model = writePositionLimitedClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}analyze-positions-512`, {
      table: 512,
      stated: 512,
      modelMaxLength: undefined,
    });
    const run = await runFeelbot(['analyze', CHINESE], { EMOTION_MODEL: model }, WITHIN_MS);
    expect(run.stderr).not.toContain('unexpected failure');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toHaveProperty('emotion');
  });

  it('stops with CLASSIFIER_FAILED, with no stack trace and none of the text on stderr, when the graph reads fewer positions than config.json states', async () => {
    const model = writePositionLimitedClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}analyze-positions-128-states-512`, {
      table: 128,
      stated: 512,
      modelMaxLength: undefined,
    });
    const run = await runFeelbot(['analyze', CHINESE], { EMOTION_MODEL: model }, WITHIN_MS);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('(CLASSIFIER_FAILED)');
    expect(run.stderr).toContain('model_max_length');
    expect(run.stderr).not.toContain('unexpected failure');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // transformers.js's log of a failed run lists the input's token ids.
    expect(run.stderr).not.toContain('input_ids');
    expect(run.stderr).not.toContain('我');
  });
});
