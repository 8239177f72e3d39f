import { describe, expect, it } from 'vitest';
import { cleanReply } from '../../src/domain/clean-reply.js';

/** A reply the model wrote with its `||` inside inline code only: none of it is a spoiler. */
const CODE_REPLY = 'Sure! In JavaScript you can write `if (isReady || isDone) { startTheParty(); }` and both cases work, or `a || b` too.';

describe('a reply cut inside inline code', () => {
  it('a cut inside inline code holding || does not turn the rest of the reply into a spoiler', () => {
    const posted = cleanReply(CODE_REPLY, { personaName: 'Joy', maxChars: 60 });
    // Before: "Sure! In JavaScript you can write `if (isReady || isDone)…||", the backtick shown as text
    // and "isDone)…" hidden behind a spoiler the model never wrote.
    expect(posted.endsWith('||')).toBe(false);
    // The code is closed where the cut left it, and the ellipsis after it says the reply was cut; its
    // backtick would have made 61 characters, so it is cut again with room for any closing.
    expect(posted).toBe('Sure! In JavaScript you can write `if (isReady ||`…');
  });

  it('wherever the limit cuts it, the code is closed, no spoiler is made up, and the reply stays within the limit', () => {
    for (let maxChars = 10; maxChars < CODE_REPLY.length; maxChars++) {
      const posted = cleanReply(CODE_REPLY, { personaName: 'Joy', maxChars });
      expect(posted.length, `cut to ${maxChars}`).toBeLessThanOrEqual(maxChars);
      expect((posted.match(/`/g) ?? []).length % 2, `cut to ${maxChars}: ${posted}`).toBe(0);
      expect(posted.replace(/`[^`]*`/g, ''), `cut to ${maxChars}: ${posted}`).not.toContain('||');
    }
  });

  it('a spoiler opened before the code stays closed around it: the code closes first', () => {
    const posted = cleanReply('The answer: ||write `a || b` as `c || d and', { personaName: 'Joy', maxChars: 600, truncated: true });
    expect(posted).toBe('The answer: ||write `a || b` as `c || d`…||');
  });

  it('a cut just after the opening backticks drops them rather than closing them on empty code', () => {
    const posted = cleanReply('Sure! You can write `` a || b `` in it.', { personaName: 'Joy', maxChars: 24 });
    expect(posted).toBe('Sure! You can write…');
  });

  it('a reply cut after naming the backtick key does not turn the rest of its text into code', () => {
    const raw = 'Oh no, the ` key on your keyboard is stuck again? That sounds so annoying. Maybe try cleaning it with a little bit of compressed';
    const posted = cleanReply(raw, { personaName: 'Joy', maxChars: 600, truncated: true });
    expect(posted).toBe('Oh no, the ` key on your keyboard is stuck again? That sounds so annoying.');
  });

  it('a backtick whose text would hold a finished sentence and more is prose, not code a cut left open', () => {
    const raw = 'You typed `npm. That is why it broke. Just try again and';
    const posted = cleanReply(raw, { personaName: 'Joy', maxChars: 600, truncated: true });
    expect(posted).toBe('You typed `npm. That is why it broke.');
  });
});
