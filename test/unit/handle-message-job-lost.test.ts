import { describe, expect, it } from 'vitest';
import { handleMessageJob, type JobHold, type MessageJobDeps } from '../../src/jobs/handle-message-job.js';
import type { DeliveryLedger, PostAttempt } from '../../src/ports/delivery-ledger.js';
import type { PersonaReply, PersonaReplier } from '../../src/ports/persona-replier.js';
import { buildMessageJob, buildMessageJobDeps, snowflake } from '../factories.js';

/** The DeliveryLedger contract in memory, keyed by message id; `calls` lists the writes it took. */
function inMemoryLedger(): DeliveryLedger & { readonly calls: string[]; answer(messageIds: readonly string[], replyId: string): void } {
  const replies = new Map<string, string>();
  const attempts = new Map<string, PostAttempt>();
  const calls: string[] = [];
  return {
    calls,
    answer: (messageIds, replyId) => messageIds.forEach((id) => replies.set(id, replyId)),
    find: async (ids) => ids.map((id) => replies.get(id)).find((reply) => reply !== undefined),
    record: async (ids, replyId) => {
      calls.push('record');
      ids.forEach((id) => replies.set(id, replyId));
    },
    recordAttempt: async (ids, attempt) => {
      calls.push('recordAttempt');
      ids.forEach((id) => attempts.set(id, attempt));
    },
    findAttempt: async (ids) => ids.map((id) => attempts.get(id)).find((attempt) => attempt !== undefined),
    findBegun: async (ids) => ids.map((id) => attempts.get(id)?.startedAt).find((at) => at !== undefined),
    forgetOwnAttempt: async (ids, attempt) => {
      calls.push('forgetOwnAttempt');
      ids.filter((id) => attempts.get(id)?.startedAt === attempt.startedAt).forEach((id) => attempts.delete(id));
    },
  };
}

/**
 * A replier that, as the webhook replier does, waits (another worker's webhook lock) and asks
 * `beforeSend` right before it sends; `meanwhile` is what happens during its wait.
 */
function waitingReplier(meanwhile: () => Promise<void> = async () => undefined): PersonaReplier & { readonly sent: PersonaReply[] } {
  const sent: PersonaReply[] = [];
  return {
    sent,
    post: async (reply, context) => {
      await meanwhile();
      await context?.beforeSend?.();
      sent.push(reply);
      return { messageId: snowflake() };
    },
    findPosted: async () => undefined,
  };
}

/** A run that holds its job for its first `checks` questions, and has lost it after. */
function holdingFor(checks: number): JobHold & { asked: number } {
  const hold = {
    asked: 0,
    holdsJob: async () => hold.asked++ < checks,
  };
  return hold;
}

function depsWith(overrides: Partial<MessageJobDeps> = {}) {
  const ledger = inMemoryLedger();
  const replier = waitingReplier();
  return { ledger, replier, deps: buildMessageJobDeps({ ledger, replier, ...overrides }) };
}

describe('a run paused past its job lock (docker pause, a VM stall, Redis out of reach) posts nothing another worker may have posted', () => {
  it('one that lost its job before noting its attempt sends nothing and notes nothing: JOB_LOST, for the worker to leave the job to its holder', async () => {
    const { deps, ledger, replier } = depsWith();
    await expect(handleMessageJob(buildMessageJob(), deps, undefined, holdingFor(0))).rejects.toMatchObject({ code: 'JOB_LOST' });
    expect(replier.sent).toEqual([]);
    // The attempt in the ledger is the new holder's to note and to forget.
    expect(ledger.calls).toEqual([]);
  });

  it('one that lost its job while its post waited is stopped right before the send: JOB_LOST, nothing sent', async () => {
    const { deps, replier } = depsWith();
    const run = holdingFor(1);
    await expect(handleMessageJob(buildMessageJob(), deps, undefined, run)).rejects.toMatchObject({ code: 'JOB_LOST' });
    expect(run.asked).toBe(2);
    expect(replier.sent).toEqual([]);
  });

  it('one that lost its job while its note was written (cut off from Redis past its lock) sends nothing, and takes back its note: JOB_LOST', async () => {
    const { deps, ledger, replier } = depsWith();
    const run = holdingFor(2);
    const job = buildMessageJob();
    await expect(handleMessageJob(job, deps, undefined, run)).rejects.toMatchObject({ code: 'JOB_LOST' });
    expect(run.asked).toBe(3);
    expect(replier.sent).toEqual([]);
    expect(ledger.calls).toEqual(['recordAttempt', 'forgetOwnAttempt']);
    expect(await ledger.findBegun([job.messageId])).toBeUndefined();
  });

  it('where the history cannot be read, one that lost its job while its post waited notes no attempt, so the run that holds the job posts instead of ending post-unconfirmed', async () => {
    const { deps, ledger } = depsWith();
    const job = buildMessageJob({ readsHistory: false });
    await expect(handleMessageJob(job, deps, undefined, holdingFor(1))).rejects.toMatchObject({ code: 'JOB_LOST' });
    // Noted only once the check right before the send passes; nor is the new holder's attempt forgotten.
    expect(ledger.calls).toEqual([]);
    const holder = waitingReplier();
    expect(await handleMessageJob(job, { ...deps, replier: holder }, undefined, holdingFor(Infinity))).toMatchObject({ status: 'posted' });
    expect(holder.sent).toHaveLength(1);
  });

  it('one still holding its job, whose messages another job answered while its post waited, sends nothing: already answered', async () => {
    const job = buildMessageJob();
    const ledger = inMemoryLedger();
    const replier = waitingReplier(async () => ledger.answer([job.messageId], 'reply-of-another-job'));
    const deps = buildMessageJobDeps({ ledger, replier });
    expect(await handleMessageJob(job, deps, undefined, holdingFor(Infinity))).toMatchObject({ status: 'skipped', reason: 'already-answered' });
    expect(replier.sent).toEqual([]);
    expect(ledger.calls).toEqual([]);
  });

  it('one that holds its job throughout posts once, asked three times: before its post starts, right before the send, where its attempt is then noted, and once noted', async () => {
    const { deps, ledger, replier } = depsWith();
    const run = holdingFor(Infinity);
    expect(await handleMessageJob(buildMessageJob(), deps, undefined, run)).toMatchObject({ status: 'posted' });
    expect(run.asked).toBe(3);
    expect(replier.sent).toHaveLength(1);
    expect(ledger.calls).toEqual(['recordAttempt', 'record']);
  });
});
