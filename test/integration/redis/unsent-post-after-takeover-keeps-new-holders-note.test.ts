import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { handleMessageJob, type JobHold } from '../../../src/jobs/handle-message-job.js';
import type { PersonaReplier, PersonaReply } from '../../../src/ports/persona-replier.js';
import { buildMessageJob, buildMessageJobDeps, snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();

/** A promise and what settles it. */
function signal() {
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  return { settle, settled };
}

it("a run whose post failed unsent, heard only after another worker took the job over and died sending, leaves that worker's note: the reply is not posted twice where the history can't be read", async () => {
  const ledger = new RedisDeliveryLedger(redis.connection, `{unsent-${randomUUID().slice(0, 8)}}`);
  const job = buildMessageJob({ readsHistory: false });
  const posted: PersonaReply[] = [];
  const [bWriting, aNoted, aFails, bSent] = [signal(), signal(), signal(), signal()];

  // Run A pauses between its last check (it still held the job) and its note, while B takes the
  // job over and finds nothing begun; A's send then fails, provably unsent, only after B noted its own.
  let checks = 0;
  const aHold: JobHold = { holdsJob: async () => (++checks === 2 && (await bWriting.settled), true) };
  const a: PersonaReplier = {
    post: async (_reply, context) => {
      await context?.beforeSend?.();
      aNoted.settle();
      await aFails.settled;
      throw new FeelbotError(ErrorCodes.DiscordRequestFailed, 'Discord refused the webhook: HTTP 502.', { details: { status: 502 } });
    },
    findPosted: async () => undefined,
  };
  const runA = handleMessageJob(job, buildMessageJobDeps({ ledger, replier: a }), undefined, aHold);

  // Worker B writes the reply while A notes its send, then notes and sends its own, and is killed before Discord answers.
  const b: PersonaReplier = {
    post: async (reply, context) => {
      await context?.beforeSend?.();
      posted.push(reply);
      bSent.settle();
      return new Promise(() => undefined);
    },
    findPosted: async () => undefined,
  };
  const generate = async () => (bWriting.settle(), await aNoted.settled, { text: 'How wonderful!', tokens: 3, truncated: false, firstTokenMs: 1, totalMs: 2 });
  void handleMessageJob(job, buildMessageJobDeps({ ledger, replier: b, generator: { parallelism: 1, generate, dispose: async () => undefined } }));
  await bSent.settled;

  aFails.settle();
  await expect(runA).rejects.toThrow('HTTP 502');

  // The stalled job's next holder finds B's post begun, and does not send it again.
  const c: PersonaReplier = { post: async (reply) => (posted.push(reply), { messageId: snowflake() }), findPosted: async () => undefined };
  expect(await handleMessageJob(job, buildMessageJobDeps({ ledger, replier: c }))).toEqual({ status: 'skipped', reason: 'post-unconfirmed' });
  expect(posted).toHaveLength(1);
});
