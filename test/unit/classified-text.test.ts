import { describe, expect, it } from 'vitest';
import { foldBurst } from '../../src/gateway/queue-in-burst.js';
import { withEdited, withoutDeleted, withTextsOf } from '../../src/jobs/burst-parts.js';
import { classifiedText, parseMessageJob, type MessageJob } from '../../src/jobs/message-job.js';
import { buildMessageJob, snowflake } from '../factories.js';

/** A message as the gateway queues it: its text as people read it, and as Discord sent it. */
const PINNED = { content: 'the new rules are pinned in #scary-stories', rawContent: 'the new rules are pinned in <#1100000000000000009>' };
const HAPPY = { content: 'I am so happy @Bob', rawContent: 'I am so happy <@1100000000000000008>' };

/** A burst of `texts`, folded as the gateway folds it, and parsed as a worker reads it. */
function burstOf(...texts: ReadonlyArray<{ content: string; rawContent?: string }>) {
  const ids = texts.map(() => snowflake());
  const newest = buildMessageJob({ ...texts.at(-1)!, messageId: ids.at(-1)! });
  const folded = foldBurst(newest, texts.map((text, i) => ({ messageId: ids[i]!, addressed: false, ...text })));
  return { ids, job: parseMessageJob(folded) };
}

describe("the text a message job's classifier reads", () => {
  it('is the text as Discord sent it (mentions as markup), while the reply reads the names', () => {
    const job = parseMessageJob(buildMessageJob(PINNED));
    expect(classifiedText(job)).toBe(PINNED.rawContent);
    expect(job.content).toBe(PINNED.content);
  });

  it('is the text as shown for a job queued by a gateway from before the raw text was queued (a rolling deploy)', () => {
    const older: MessageJob = buildMessageJob({ content: PINNED.content });
    expect(parseMessageJob(older)).not.toHaveProperty('rawContent');
    expect(classifiedText(parseMessageJob(older))).toBe(PINNED.content);
  });

  it("of a burst folds every message's raw text, each part keeping its own; a message queued by an older gateway adds its text as shown", () => {
    const { job } = burstOf(PINNED, { content: 'from an older gateway' }, HAPPY);
    expect(job.content).toBe(`${PINNED.content}\nfrom an older gateway\n${HAPPY.content}`);
    expect(classifiedText(job)).toBe(`${PINNED.rawContent}\nfrom an older gateway\n${HAPPY.rawContent}`);
    expect(job.parts.map((part) => part.rawContent)).toEqual([PINNED.rawContent, undefined, HAPPY.rawContent]);
  });

  it('of a burst some of whose messages were deleted is that of the rest', () => {
    const { ids, job } = burstOf(PINNED, HAPPY, { content: 'ok #general', rawContent: 'ok <#1100000000000000007>' });
    const rest = parseMessageJob(withoutDeleted(job, new Set([ids[1]!]))!);
    expect(rest.content).toBe(`${PINNED.content}\nok #general`);
    expect(classifiedText(rest)).toBe(`${PINNED.rawContent}\nok <#1100000000000000007>`);
  });

  it('follows an edit, of a lone message or of a part of a burst', () => {
    const lone = parseMessageJob(buildMessageJob(HAPPY));
    const edited = withEdited(lone, lone.messageId, PINNED)!;
    expect([edited.content, classifiedText(edited)]).toEqual([PINNED.content, PINNED.rawContent]);

    const { ids, job } = burstOf(HAPPY, { content: 'see you', rawContent: 'see you' });
    const burst = withEdited(job, ids[0]!, PINNED)!;
    expect(burst.content).toBe(`${PINNED.content}\nsee you`);
    expect(classifiedText(burst)).toBe(`${PINNED.rawContent}\nsee you`);
    // What the deletion of a burst's message queues again takes each message's text from the burst buffer.
    expect(classifiedText(withTextsOf(job, [{ messageId: ids[0]!, ...PINNED }]))).toBe(`${PINNED.rawContent}\nsee you`);
  });

  it('never keeps the text an edit replaced: an edit that carries no raw text (from an older gateway) is read as shown', () => {
    const lone = parseMessageJob(buildMessageJob(PINNED));
    expect(classifiedText(withEdited(lone, lone.messageId, { content: 'so happy' })!)).toBe('so happy');
    const { ids, job } = burstOf(PINNED, HAPPY);
    expect(classifiedText(withEdited(job, ids[0]!, { content: 'so happy' })!)).toBe(`so happy\n${HAPPY.rawContent}`);
  });
});
