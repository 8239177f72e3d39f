import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { handleMessageJob, type JobHold } from '../../../src/jobs/handle-message-job.js';
import type { PersonaReplier } from '../../../src/ports/persona-replier.js';
import { buildMessageJob, buildMessageJobDeps } from '../../factories.js';
import { recordingReplier } from '../../support/recording-replier.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
const ledgerOf = (name: string) => new RedisDeliveryLedger(redis.connection, `{${name}-${randomUUID().slice(0, 8)}}`);

/** A run that holds its job when it starts its post, and has lost it by the send (paused past JOB_LOCK_MS in the replier's waits). */
const lostInItsWaits = (): JobHold => {
  let checks = 0;
  return { holdsJob: async () => checks++ < 1 };
};

/** A replier whose run another worker takes over while it waits (a VM stall, a split from Redis), which then asks `beforeSend` as the real one does. */
function pausedReplier(meanwhile: () => Promise<void>): PersonaReplier {
  return {
    post: async (_reply, context) => {
      await meanwhile();
      await context?.beforeSend?.();
      throw new Error('a run that lost its job must not send');
    },
    findPosted: async () => undefined,
  };
}

it('where the bot may not read the history, a worker paused in its webhook lookup (before any send) does not keep the worker that took the job over from posting the reply', async () => {
  const ledger = ledgerOf('paused');
  const job = buildMessageJob({ readsHistory: false, receivedAt: Date.now() });
  const rescuer = recordingReplier();
  let rescued: unknown;

  // Run A pauses in the webhook lookup past JOB_LOCK_MS; worker B takes the job over and runs it meanwhile.
  const paused = pausedReplier(async () => {
    rescued = await handleMessageJob(job, buildMessageJobDeps({ ledger, replier: rescuer.replier }));
  });
  await expect(handleMessageJob(job, buildMessageJobDeps({ ledger, replier: paused }), undefined, lostInItsWaits())).rejects.toMatchObject({ code: 'JOB_LOST' });

  // A sent nothing, so B's reply is the only one: it must be posted, not ended post-unconfirmed.
  expect(rescued).toMatchObject({ status: 'posted' });
  expect(rescuer.posted).toHaveLength(1);
});

it("where the bot may not read the history, a worker that resumes after losing its job leaves the attempt of the one that took it over: that one killed mid-send, the next run does not post a second time", async () => {
  const ledger = ledgerOf('resumed');
  const job = buildMessageJob({ readsHistory: false, receivedAt: Date.now() });
  // Worker B takes the job over while A is paused, and is killed (SIGKILL) with its post sent, unanswered.
  let sending: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => (sending = resolve));
  const killedMidSend: PersonaReplier = {
    post: async (_reply, context) => {
      await context?.beforeSend?.();
      sending();
      return new Promise(() => undefined);
    },
    findPosted: async () => undefined,
  };
  const paused = pausedReplier(async () => {
    const run = handleMessageJob(job, buildMessageJobDeps({ ledger, replier: killedMidSend }));
    await Promise.race([sent, run]);
  });
  await expect(handleMessageJob(job, buildMessageJobDeps({ ledger, replier: paused }), undefined, lostInItsWaits())).rejects.toMatchObject({ code: 'JOB_LOST' });

  // Worker C takes the stalled job: B's post may have landed, and nothing can look.
  const third = recordingReplier();
  expect(await handleMessageJob(job, buildMessageJobDeps({ ledger, replier: third.replier }))).toMatchObject({ status: 'skipped', reason: 'post-unconfirmed' });
  expect(third.posted).toEqual([]);
});
