import { describe, expect, it } from 'vitest';
import { ErrorCodes, FeelbotError } from '../../src/errors.js';
import { handleMessageJob, type MessageJobDeps } from '../../src/jobs/handle-message-job.js';
import type { DeliveryLedger, PostAttempt } from '../../src/ports/delivery-ledger.js';
import type { PersonaReplier, PersonaReply } from '../../src/ports/persona-replier.js';
import { buildMessageJob, buildMessageJobDeps } from '../factories.js';
import { capturedLogger } from '../support/captured-logger.js';

/** The DeliveryLedger contract in memory. */
function memoryLedger(): DeliveryLedger & { readonly answered: Map<string, string> } {
  const answered = new Map<string, string>();
  const attempts = new Map<string, PostAttempt>();
  return {
    answered,
    find: async (ids) => ids.map((id) => answered.get(id)).find(Boolean),
    record: async (ids, replyId) => ids.forEach((id) => answered.set(id, replyId)),
    recordAttempt: async (ids, attempt) => ids.forEach((id) => attempts.set(id, attempt)),
    findAttempt: async (ids) => ids.map((id) => attempts.get(id)).find(Boolean),
    findBegun: async (ids) => ids.map((id) => attempts.get(id)?.startedAt).find((startedAt) => startedAt !== undefined),
    forgetOwnAttempt: async (ids, attempt) => ids.filter((id) => attempts.get(id)?.startedAt === attempt.startedAt).forEach((id) => attempts.delete(id)),
  };
}

/**
 * A replier whose first post lands in the channel and then fails with `failure`; later posts land.
 * `lookedFor` counts the times an earlier post was looked for. Each post asks `beforeSend` right
 * before it is sent, as the webhook replier does.
 */
function failingOnce(failure: FeelbotError) {
  const posted: PersonaReply[] = [];
  let lookedFor = 0;
  const replier: PersonaReplier = {
    post: async (reply, context) => {
      await context?.beforeSend?.();
      posted.push(reply);
      if (posted.length === 1) throw failure;
      return { messageId: `reply-${posted.length}` };
    },
    findPosted: async () => (lookedFor++, undefined),
  };
  return { replier, posted, lookedFor: () => lookedFor };
}

function depsWith(replier: PersonaReplier, overrides: Partial<MessageJobDeps> = {}): MessageJobDeps {
  return buildMessageJobDeps({ replier, ledger: memoryLedger(), ...overrides });
}

/** A 502 on the post itself, which Discord may have posted before answering. */
const mayHavePosted = () => new FeelbotError(ErrorCodes.DiscordRequestFailed, 'Discord refused the reply: HTTP 502.', { details: { status: 502, mayHavePosted: true } });
/** A 502 before anything was posted (making the webhook). */
const notPosted = () => new FeelbotError(ErrorCodes.DiscordRequestFailed, 'Discord refused the webhook: HTTP 502.', { details: { status: 502 } });

describe('a post that failed where the bot may not read the history', () => {
  it('one Discord may have posted is not repeated: the job ends post-unconfirmed, logged with its code, and its messages count as answered', async () => {
    const { replier, posted } = failingOnce(mayHavePosted());
    const ledger = memoryLedger();
    const { logger, lines } = capturedLogger('warn');
    const job = buildMessageJob({ readsHistory: false });
    const deps = depsWith(replier, { ledger, logger });
    expect(await handleMessageJob(job, deps)).toEqual({ status: 'skipped', reason: 'post-unconfirmed', emotion: 'joy' });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', code: 'DISCORD_REQUEST_FAILED', reason: 'post-unconfirmed' }));
    expect(ledger.answered.has(job.messageId)).toBe(true);
    // A later job for the same message (queued again, say) posts nothing either.
    expect(await handleMessageJob(job, deps)).toEqual({ status: 'skipped', reason: 'already-answered' });
    expect(posted).toHaveLength(1);
  });

  it('one that failed before anything was posted is retried, and the retry posts without reading a history Discord would show empty', async () => {
    const { replier, posted, lookedFor } = failingOnce(notPosted());
    const deps = depsWith(replier);
    const job = buildMessageJob({ readsHistory: false });
    await expect(handleMessageJob(job, deps)).rejects.toThrow('HTTP 502');
    expect(await handleMessageJob(job, deps)).toMatchObject({ status: 'posted' });
    expect(posted).toHaveLength(2);
    expect(lookedFor()).toBe(0);
  });

  it('where the bot may read it, or the job does not say (an older gateway), the failure is retried and the retry looks for the post first, and again right before it posts', async () => {
    for (const readsHistory of [true, undefined]) {
      const { replier, lookedFor } = failingOnce(mayHavePosted());
      const deps = depsWith(replier);
      const job = buildMessageJob(readsHistory === undefined ? {} : { readsHistory });
      await expect(handleMessageJob(job, deps)).rejects.toThrow('HTTP 502');
      expect(await handleMessageJob(job, deps)).toMatchObject({ status: 'posted' });
      // Once as the retry starts, once after writing its reply: the earlier post may land late.
      expect(lookedFor()).toBe(2);
    }
  });
});

describe('a worker that died while its post was being sent (SIGKILL, the OOM killer), and another worker that takes the job', () => {
  /** A replier whose first post reaches Discord and never answers, as seen by a worker killed meanwhile; later posts land. */
  function dyingOnce() {
    const posted: PersonaReply[] = [];
    let lookedFor = 0;
    let sent: () => void = () => undefined;
    const sending = new Promise<void>((resolve) => (sent = resolve));
    const replier: PersonaReplier = {
      post: async (reply, context) => {
        await context?.beforeSend?.();
        posted.push(reply);
        if (posted.length > 1) return { messageId: `reply-${posted.length}` };
        sent();
        return new Promise(() => undefined);
      },
      findPosted: async () => (lookedFor++, undefined),
    };
    return { replier, posted, sending, lookedFor: () => lookedFor };
  }

  it('where the bot may not read the history, the job ends post-unconfirmed, logged with its code, instead of posting again', async () => {
    const { replier, posted, sending } = dyingOnce();
    const ledger = memoryLedger();
    const { logger, lines } = capturedLogger('warn');
    const job = buildMessageJob({ readsHistory: false });
    const deps = depsWith(replier, { ledger, logger });
    void handleMessageJob(job, deps);
    await sending;
    expect(await handleMessageJob(job, deps)).toEqual({ status: 'skipped', reason: 'post-unconfirmed' });
    expect(posted).toHaveLength(1);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', code: 'JOB_STALLED', reason: 'post-unconfirmed' }));
    expect(ledger.answered.has(job.messageId)).toBe(true);
  });

  it('where the bot may read it, the other worker looks for the post first, and again right before it posts, and posts it when it is not there', async () => {
    const { replier, posted, sending, lookedFor } = dyingOnce();
    const deps = depsWith(replier);
    const job = buildMessageJob({ readsHistory: true });
    void handleMessageJob(job, deps);
    await sending;
    expect(await handleMessageJob(job, deps)).toMatchObject({ status: 'posted' });
    expect(lookedFor()).toBe(2);
    expect(posted).toHaveLength(2);
  });
});
