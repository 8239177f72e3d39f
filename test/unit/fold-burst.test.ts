import { describe, expect, it } from 'vitest';
import { foldBurst } from '../../src/gateway/queue-in-burst.js';
import { buildMessageJob, snowflake } from '../factories.js';

describe('foldBurst', () => {
  it("drops the burst's own messages from the context by id, not by text", () => {
    const [first, second] = [snowflake(), snowflake()];
    const newest = buildMessageJob({
      content: 'lol',
      context: [
        // The burst's first message as the channel shows it: with the bot's mention, which the burst entry has not.
        { messageId: first, authorName: 'Alice', content: '@feelbot hey' },
        // Someone else said the same as the burst's second message.
        { messageId: snowflake(), authorName: 'Bob', content: 'lol' },
        { messageId: second, authorName: 'Alice', content: 'lol' },
      ],
    });
    const folded = foldBurst(newest, [
      { messageId: first, content: 'hey', addressed: true },
      { messageId: second, content: 'lol', addressed: false },
      { messageId: newest.messageId, content: 'lol', addressed: false },
    ]);
    expect(folded.context).toEqual([{ messageId: newest.context[1]!.messageId, authorName: 'Bob', content: 'lol' }]);
    expect(folded.content).toBe('hey\nlol\nlol');
    expect(folded.addressed).toBe(true);
  });
});
