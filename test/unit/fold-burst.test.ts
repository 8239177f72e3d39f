import { describe, expect, it } from 'vitest';
import { foldBurst } from '../../src/gateway/queue-in-burst.js';
import { buildMessageJob, snowflake } from '../factories.js';

/** Half of a surrogate pair on its own: what a cut through an emoji leaves behind. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

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

  it('a burst too long to keep whole keeps its newest 8,000 characters, counted as Discord counts them, without half an emoji at the cut', () => {
    const newest = buildMessageJob({ content: '😀'.repeat(4_000) });
    const folded = foldBurst(newest, [
      { messageId: snowflake(), content: '😀'.repeat(4_000), addressed: false },
      { messageId: snowflake(), content: '😀'.repeat(4_000), addressed: false },
      { messageId: newest.messageId, content: newest.content, addressed: false },
    ]);
    // The joined text is 12,002 characters (24,002 units): the newest message, its line break and 3,999 emoji of the one before.
    expect(folded.content).not.toMatch(LONE_SURROGATE);
    expect([...folded.content]).toHaveLength(8_000);
    expect(folded.content.endsWith(`\n${newest.content}`)).toBe(true);
  });
});
