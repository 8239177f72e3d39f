import { describe, expect, it } from 'vitest';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';
import { classifyOne } from '../../src/jobs/classify-one.js';
import { buildAnalysis } from '../factories.js';

describe('classifyOne', () => {
  it("returns the classifier's one analysis", async () => {
    const analysis = buildAnalysis();
    expect(await classifyOne({ classify: async () => [analysis], dispose: async () => undefined }, 'hi')).toBe(analysis);
  });

  it('a classifier that answers nothing fails with CLASSIFIER_FAILED, which a retry may cure, not as an unexpected bug', async () => {
    const failure = await classifyOne({ classify: async () => [], dispose: async () => undefined }, 'hi').catch((error: unknown) => error);
    expect(isFeelbotError(failure, ErrorCodes.ClassifierFailed)).toBe(true);
    expect((failure as { permanent: boolean }).permanent).toBe(false);
  });
});
