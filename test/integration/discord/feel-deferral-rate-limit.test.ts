import { randomUUID } from 'node:crypto';
import { Routes, type Interaction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { INTERACTION_RESPONSE_WINDOW_MS } from '../../../src/adapters/discord/interaction-callback-wait.js';
import { RedisAnalysisLimiter } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { createDiscordClient } from '../../../src/gateway/create-client.js';
import { createInteractionHandler } from '../../../src/gateway/commands/on-interaction.js';
import { analysisJobId } from '../../../src/jobs/analysis-job.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { sendFeel } from '../../support/feelbot-command.js';
import { useLoggedInClient } from '../../support/logged-in-client.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const CALLBACK = 'POST /interactions/:id/:token/callback';
/** Interaction callback types: a message at once, or "thinking…" to be edited later. */
const CHANNEL_MESSAGE = 4;
const DEFERRED = 5;

/**
 * Discord's 429s as the gateway's own discord.js client (createDiscordClient) meets them, against
 * the fake Discord, with the /feel handler on a real Redis and BullMQ queue.
 */
describe("a 429 on the gateway's Discord client", () => {
  const redis = usePrivateRedis();
  const fake = useLoggedInClient(createDiscordClient);
  const queues: MessageQueue[] = [];

  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.close();
  });

  function handlerWith(prefix: string) {
    const queue = new MessageQueue(redis.connection, prefix);
    queues.push(queue);
    const { logger, lines } = capturedLogger();
    const handle = createInteractionHandler({
      queue,
      settings: new RedisSettingsStore(redis.connection, prefix),
      analysisLimiter: new RedisAnalysisLimiter(redis.connection, prefix),
      logger,
    });
    return { queue, handle, lines };
  }

  /** A member's private /feel, sent through the fake Discord; resolves with its id once `handle` is done with it. */
  async function feelHandledBy(handle: (interaction: Interaction) => Promise<void>): Promise<string> {
    const { sent, handled } = sendFeel(fake, handle);
    await handled;
    return sent.id;
  }

  it("on a deferral, asking for 30 s (past Discord's 3): fails at once, logged as DISCORD_RATE_LIMITED, and the claim is given back", async () => {
    const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
    const { queue, handle, lines } = handlerWith(prefix);
    fake.discord.failNext(CALLBACK, [{ status: 429, retryAfter: 30, global: false }]);
    const interactionId = await feelHandledBy(handle);

    expect(lines.find((line) => line.msg === 'interaction failed')).toMatchObject({
      interactionId,
      code: 'DISCORD_RATE_LIMITED',
      err: { details: { retryAfterMs: expect.any(Number) } },
    });
    expect(await queue.queue.getJob(analysisJobId(interactionId))).toBeUndefined();
    // The /feel that never ran is in neither the person's count for this minute nor the server's.
    const counts = await Promise.all((await redis.connection.keys(`${prefix}:analysis:[ug]:*`)).map((key) => redis.connection.get(key)));
    expect(counts.map(Number).reduce((sum, count) => sum + count, 0)).toBe(0);
    // Discord no longer limits the callback here, so the person is told at once instead of after 30 s.
    const responses = fake.discord.interactionResponses(interactionId);
    expect(responses.map((response) => [response.kind, response.callbackType])).toEqual([['callback', CHANNEL_MESSAGE]]);
    expect(responses[0]!.body).toMatchObject({ data: { content: 'Something went wrong on our side; please try again in a moment.' } });
  });

  it("on a deferral, while Discord goes on limiting interaction callbacks for 30 s: the failure reply meets the same 429, is given up at once, and the person is told nothing", async () => {
    const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
    const { handle, lines } = handlerWith(prefix);
    const since = fake.discord.requests.length;
    fake.discord.failNext(CALLBACK, [
      { status: 429, retryAfter: 30, global: false },
      { status: 429, retryAfter: 30, global: false },
    ]);
    const started = Date.now();
    const interactionId = await feelHandledBy(handle);

    expect(Date.now() - started).toBeLessThan(INTERACTION_RESPONSE_WINDOW_MS);
    expect(lines.find((line) => line.msg === 'interaction failed')).toMatchObject({ interactionId, code: 'DISCORD_RATE_LIMITED' });
    // @discordjs/rest keeps no bucket state for callbacks, so the reply is sent and refused like the deferral.
    const callbacks = fake.discord.requests.slice(since).filter((request) => request.path.startsWith(`/interactions/${interactionId}/`));
    expect(callbacks.map((request) => [request.status, (request.body as { type: number }).type])).toEqual([
      [429, DEFERRED],
      [429, CHANNEL_MESSAGE],
    ]);
    expect(fake.discord.interactionResponses(interactionId)).toEqual([]);
  });

  it("on a deferral, asking for less than what is left of Discord's 3 s: waited out, and the analysis is queued", async () => {
    const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
    const { queue, handle, lines } = handlerWith(prefix);
    fake.discord.failNext(CALLBACK, [{ status: 429, retryAfter: 0.3, global: false }]);
    const interactionId = await feelHandledBy(handle);

    expect(lines.find((line) => line.interactionId === interactionId && line.msg === 'interaction handled')).toMatchObject({ outcome: 'queued' });
    expect(await queue.queue.getJob(analysisJobId(interactionId))).toBeDefined();
    expect(fake.discord.interactionResponses(interactionId).map((response) => [response.kind, response.callbackType])).toEqual([['callback', DEFERRED]]);
  });

  it('on a request other than an interaction callback (a notice posted in a channel): waited out and sent again', async () => {
    const channelId = fake.discord.world.channels.text.id;
    const since = fake.discord.requests.length;
    fake.discord.failNext('POST /channels/:id/messages', [{ status: 429, retryAfter: 0.5, global: false }]);
    await fake.client.rest.post(Routes.channelMessages(channelId), { body: { content: 'feelbot cannot post in #general.' } });
    const posts = fake.discord.requests.slice(since).filter((request) => request.method === 'POST' && request.path === `/channels/${channelId}/messages`);
    expect(posts.map((request) => request.status)).toEqual([429, 200]);
  });
});
