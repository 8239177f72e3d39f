import { describe, expect, it } from 'vitest';
import { scoresWithSigmoids } from '../../src/adapters/transformers/label-scoring.js';

describe('scoresWithSigmoids', () => {
  it('is true only for problem_type "multi_label_classification", as transformers.js picks a sigmoid per label', () => {
    expect(scoresWithSigmoids({ problem_type: 'multi_label_classification' })).toBe(true);
    expect(scoresWithSigmoids({ problem_type: 'single_label_classification' })).toBe(false);
    expect(scoresWithSigmoids({ problem_type: 'regression' })).toBe(false);
    expect(scoresWithSigmoids({})).toBe(false);
  });
});
