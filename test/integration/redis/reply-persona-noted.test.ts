import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { RedisReplyPersonas } from '../../../src/adapters/redis/redis-reply-personas.js';
import { replyDigest } from '../../../src/domain/reply-digest.js';
import { handleMessageJob } from '../../../src/jobs/handle-message-job.js';
import type { PostAttempt } from '../../../src/ports/delivery-ledger.js';
import type { PersonaReply, PostContext } from '../../../src/ports/persona-replier.js';
import { buildMessageJob, buildMessageJobDeps, buildSettings, snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe("the worker notes which persona posted each reply, for the gateway's next prompts", () => {
  const redis = usePrivateRedis();

  it('a posted reply is noted under its message id with the persona that wrote it, by key, whatever name the server shows it under', async () => {
    const replyPersonas = new RedisReplyPersonas(redis.connection, `{noted-${randomUUID().slice(0, 8)}}`);
    const renamed = buildSettings({ personaLooks: { joy: { name: 'Sunny' } } });
    const deps = buildMessageJobDeps({ replyPersonas, settings: { get: async () => renamed, update: async () => renamed } });
    const outcome = await handleMessageJob(buildMessageJob({ content: 'I got the job, I am so happy!' }), deps);
    if (outcome.status !== 'posted') throw new Error(`expected a posted reply, got ${JSON.stringify(outcome)}`);
    expect(outcome.persona).toBe('joy');
    expect(await replyPersonas.personasOf([outcome.replyId])).toEqual(new Map([[outcome.replyId, 'joy']]));
  });

  it('a reply that landed although its post failed (a 502) is noted by the retry that finds it, with the persona that wrote it, by key', async () => {
    const prefix = `{noted-${randomUUID().slice(0, 8)}}`;
    const replyPersonas = new RedisReplyPersonas(redis.connection, prefix);
    const renamed = buildSettings({ personaLooks: { joy: { name: 'Sunny' } } });
    // Discord posts the reply, then answers 502; the channel's history shows it under the name it was posted with.
    // The attempt is noted at beforeSend, which the replier asks right before it sends, as the webhook replier does.
    const landed: Array<{ id: string; reply: PersonaReply }> = [];
    let fail = true;
    const replier = {
      post: async (reply: PersonaReply, context?: PostContext) => {
        await context?.beforeSend?.();
        landed.push({ id: snowflake(), reply });
        if (fail) throw new Error('502 Bad Gateway, after Discord had posted');
        return { messageId: landed.at(-1)!.id };
      },
      findPosted: async (_target: unknown, attempt: PostAttempt) => {
        const found = landed.find(({ reply }) => reply.persona.name === attempt.persona && replyDigest(reply.content) === attempt.digest);
        return found && { messageId: found.id };
      },
    };
    const deps = buildMessageJobDeps({
      replyPersonas,
      replier,
      ledger: new RedisDeliveryLedger(redis.connection, prefix),
      settings: { get: async () => renamed, update: async () => renamed },
    });
    const job = buildMessageJob({ content: 'I got the job, I am so happy!' });
    await expect(handleMessageJob(job, deps)).rejects.toThrow('502');
    fail = false;
    expect(await handleMessageJob(job, deps)).toEqual({ status: 'skipped', reason: 'already-answered' });
    expect(landed).toHaveLength(1);
    expect(await replyPersonas.personasOf([landed[0]!.id])).toEqual(new Map([[landed[0]!.id, 'joy']]));
  });
});
