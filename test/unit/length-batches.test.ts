import { describe, expect, it } from 'vitest';
import { lengthBatches } from '../../src/adapters/transformers/length-batches.js';

describe('lengthBatches', () => {
  it('groups texts of similar length and keeps every index exactly once', () => {
    const texts = ['a b c d e f', 'a', 'a b c', 'a b', 'a b c d e', 'a b c d'];
    const batches = lengthBatches(texts, 2);
    expect(batches).toEqual([[1, 3], [2, 5], [4, 0]]);
    expect(batches.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps input order among texts of equal length, and handles an empty list', () => {
    expect(lengthBatches(['x y', 'a b', 'c d'], 16)).toEqual([[0, 1, 2]]);
    expect(lengthBatches([], 16)).toEqual([]);
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => lengthBatches(['a'], 0)).toThrow(RangeError);
    expect(() => lengthBatches(['a'], 1.5)).toThrow(RangeError);
  });
});
