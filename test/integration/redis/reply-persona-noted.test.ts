import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RedisReplyPersonas } from '../../../src/adapters/redis/redis-reply-personas.js';
import { handleMessageJob } from '../../../src/jobs/handle-message-job.js';
import { buildMessageJob, buildMessageJobDeps, buildSettings } from '../../factories.js';
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
});
