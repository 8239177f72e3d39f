import { describe, expect, it } from 'vitest';
import { replyWaitMs } from '../../src/chat/reply-wait.js';

describe('replyWaitMs', () => {
  it('waits long enough for every attempt at the LLM timeout plus the backoff between them', () => {
    // 4 attempts of 60 s, and 2 + 4 + 8 s of backoff between them: the old 180 s gave up on the third.
    expect(replyWaitMs(60_000)).toBeGreaterThan(4 * 60_000 + 14_000);
  });
});
